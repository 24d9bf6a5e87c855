# Pagoda: a 32-bit x86 teaching kernel about memory management.
#
#   make / make all    the kernel, the user programs and the GRUB ISO
#   make kernel        build/clang/kernel.elf only
#   make user          the user programs only (build/clang/user/)
#   make iso           the GRUB ISO (build/clang/pagoda.iso); ARGS="..." sets its command line
#   make run           build the GRUB ISO and boot it in QEMU (serial console here); ARGS="..."
#   make debug         like run, but QEMU waits for gdb (gdb -x scripts/gdbinit)
#   make bochs         boot the ISO in Bochs and stop at the first break=POINT; ARGS="..."
#   make bochs-inspect the same without a terminal: prints creg, info gdt, info idt
#   make test          every test: host unit tests, kernel tests in QEMU, Bochs tests, doctests
#   make doctest       run the chapters' Try it and In Bochs blocks and check their output
#   make unit          the host unit tests only
#   make unit-build    build the unit tests and build/host/lru-sim without running them
#   make soak          the swap workloads until more than 1 GiB has gone through swap
#   make bench         the benchmarks
#   make fuzz          the fuzz targets (FUZZ_RUNS, FUZZ_SECONDS)
#   make plots         the page-replacement plots in docs/img/
#   make format        clang-format every C file
#   make deps          install missing Debian packages (scripts/install-deps.sh)
#   make clean         remove build/
#   make help          this list
#
# The kernel builds with clang (default) or gcc: `make CC=gcc`.

ifeq ($(origin CC),default)
CC := clang
endif
ifneq ($(findstring clang,$(CC)),)
TOOLCHAIN := clang
KARCH     := --target=i686-elf
KLD       := ld.lld
else
TOOLCHAIN := gcc
# Debian's gcc defaults to PIE; the kernel is linked at fixed addresses.
KARCH     := -m32 -march=i686 -fno-pie -fno-pic -fcf-protection=none
KLD       := ld
endif
HOSTCC ?= gcc

BUILD := build/$(TOOLCHAIN)
HOST  := build/host

KCFLAGS := $(KARCH) -std=gnu11 -ffreestanding -nostdlib -fno-builtin \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-mno-mmx -mno-sse -mno-sse2 -O2 -g -Wall -Wextra -Werror \
	-Isrc/include -Isrc -MMD -MP
NASMFLAGS := -f elf32 -g -F dwarf -Isrc/
# The kernel sets up its own stacks; GNU ld's executable-stack note means nothing here.
KLDFLAGS := -m elf_i386 -T src/boot/linker.ld -nostdlib $(if $(filter gcc,$(TOOLCHAIN)),-z noexecstack)

# Pure cores: no hardware, no kernel globals. Each file here is compiled both
# into the kernel and into the host unit tests (see docs/00-overview.md).
CORE_SRCS := src/kernel/fmt.c src/kernel/cmdline.c src/kernel/div64.c src/kernel/elf.c \
	src/mem/buddy.c src/mem/buddy_check.c src/mem/buddy_hot.c src/mem/memmap.c src/mem/kheap_core.c \
	src/mem/vma.c src/mem/fault_decide.c src/mem/swap_map.c src/mem/lru.c src/mem/page_ops.c src/disk/mbr.c \
	src/disk/swap_header.c

# The page-replacement lab (docs/11-page-replacement.md): host-only code that
# runs traces through the replacement policies, the kernel's own
# src/mem/lru.c among them. Linked into the host tests and build/host/lru-sim.
LAB_SRCS := src/lab/trace.c src/lab/sim.c src/lab/stack.c src/lab/cli.c
LRU_SIM  := $(HOST)/lru-sim

HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 -Isrc -DHOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CHECK_LIBS = $(shell pkg-config --cflags --libs check)

KSRCS := $(sort $(wildcard src/kernel/*.c src/mem/*.c src/interrupts/*.c src/disk/*.c))
KASMS := $(sort $(wildcard src/boot/*.asm src/interrupts/*.asm src/kernel/*.asm))
KOBJS := $(patsubst src/%.asm,$(BUILD)/obj/%.asm.o,$(KASMS)) \
         $(patsubst src/%.c,$(BUILD)/obj/%.o,$(KSRCS))
KERNEL := $(BUILD)/kernel.elf
ISO    := $(BUILD)/pagoda.iso

# User programs: each src/user/NAME.c becomes the ELF build/<toolchain>/user/NAME,
# linked with the small libc in src/user/lib/ (which reuses the kernel's
# formatter, string functions and 64-bit division) at USER_BASE (src/kernel/abi.h). They reach
# the kernel as Multiboot modules: grub.cfg loads every file in /boot/user/,
# and scripts/run-qemu.sh passes them with -initrd.
USER_PROGS := $(sort $(patsubst src/user/%.c,%,$(wildcard src/user/*.c)))
ULIB_SRCS  := $(sort $(wildcard src/user/lib/*.c)) src/kernel/fmt.c src/kernel/string.c \
              src/kernel/div64.c
ULIB_OBJS  := $(patsubst src/%.c,$(BUILD)/uobj/%.o,$(ULIB_SRCS)) \
              $(patsubst src/%.asm,$(BUILD)/uobj/%.asm.o,$(wildcard src/user/lib/*.asm))
USER_BINS  := $(addprefix $(BUILD)/user/,$(USER_PROGS))
UCFLAGS := $(KARCH) -std=gnu11 -ffreestanding -nostdlib -fno-builtin -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -mno-mmx -mno-sse -mno-sse2 \
	-O2 -g -Wall -Wextra -Werror -Isrc/include -Isrc -Isrc/user/lib -MMD -MP

UNIT_TESTS := $(patsubst tests/unit/%.c,$(HOST)/%,$(sort $(wildcard tests/unit/test_*.c)))
BENCHES    := $(patsubst tests/bench/%.c,$(HOST)/%,$(sort $(wildcard tests/bench/*.c)))
FUZZERS    := $(patsubst tests/fuzz/%.c,$(HOST)/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

# Keep the user objects: they are only prerequisites of pattern rules, which
# make would otherwise delete after each link.
.SECONDARY: $(ULIB_OBJS) $(patsubst %,$(BUILD)/uobj/user/%.o,$(USER_PROGS))

# Extra words for the kernel command line, e.g. make run ARGS="break=gdt".
ARGS ?=

.PHONY: all kernel user iso run test doctest soak unit unit-build bench bench-swap fuzz plots bochs bochs-inspect debug deps clean help format
all: kernel user iso

kernel: $(KERNEL)
# Also drops programs whose source is gone: every file in build/.../user/
# goes into the ISO and into -initrd.
user: $(USER_BINS)
	@for f in $(BUILD)/user/*; do \
		case " $(USER_BINS) " in *" $$f "*) ;; *) rm -f "$$f"; echo "  RM      $$f (no source)";; esac; \
	done
iso: $(ISO)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.asm.o: src/%.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@nasm $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

$(BUILD)/uobj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (user)"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(BUILD)/uobj/%.asm.o: src/%.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $< (user)"
	@nasm $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

# A program with a link map of its own (src/user/NAME.ld) is linked with it.
# The boot loader copies every program whole into RAM, so the programs are
# linked without debug sections, which would triple their size (the
# objects in uobj/ keep them, for objdump -S).
.SECONDEXPANSION:
$(BUILD)/user/%: $(BUILD)/uobj/user/%.o $(ULIB_OBJS) $$(or $$(wildcard src/user/$$*.ld),src/user/user.ld)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(KLD) -m elf_i386 -T $(lastword $^) -nostdlib --strip-debug -o $@ $< $(ULIB_OBJS)

$(KERNEL): $(KOBJS) src/boot/linker.ld
	@echo "  LD      $@"
	@$(KLD) $(KLDFLAGS) -o $@ $(KOBJS)

# The ISO takes the top-level grub.cfg as it is; scripts/mkiso.sh adds an
# optional args.cfg that grub.cfg sources, so tests can pass a command line.
$(ISO): $(KERNEL) $(USER_BINS) grub.cfg scripts/mkiso.sh
	scripts/mkiso.sh $(KERNEL) $@ "$(ARGS)"

deps:
	scripts/install-deps.sh

# A panic ends QEMU with the kernel's POWEROFF_PANIC status (37): the kernel
# worked as meant and has printed its report, so make does not fail on it.
run: deps
	$(MAKE) --no-print-directory kernel user
	@scripts/run-qemu.sh --iso "$(ARGS)" || { status=$$?; [ $$status -eq 37 ] || exit $$status; \
		echo "make run: the kernel panicked (see its report above); the build is fine"; }

bochs: deps
	$(MAKE) --no-print-directory kernel user
	scripts/run-bochs.sh "$(ARGS)"

bochs-inspect: deps
	$(MAKE) --no-print-directory kernel user
	scripts/bochs-inspect.sh "$(if $(ARGS),$(ARGS),break=gdt)"

debug: deps
	$(MAKE) --no-print-directory kernel user
	scripts/run-qemu.sh --gdb "$(ARGS)"

test: deps
	scripts/test.sh

# The chapters' "Try it" and "In Bochs" blocks, run and checked (docs/00-overview.md).
doctest: deps
	$(MAKE) --no-print-directory kernel user
	scripts/doctest.sh

# The swap workloads until more than 1 GiB has moved, with swapcheck=on.
soak: deps
	$(MAKE) --no-print-directory kernel user
	scripts/soak.sh

unit-build: $(UNIT_TESTS) $(LRU_SIM)

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

# The pure cores (and the lab) are compiled once for all the unit tests, and
# once for all the fuzz targets, with their sanitizers: each test or target
# then compiles only its own file.
HOST_CORE_OBJS := $(patsubst src/%.c,$(HOST)/asan/%.o,$(CORE_SRCS) $(LAB_SRCS))
FUZZ_CORE_OBJS := $(patsubst src/%.c,$(HOST)/fuzzcov/%.o,$(CORE_SRCS) $(LAB_SRCS))

$(HOST)/asan/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $< (ASan, UBSan)"
	@$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(HOST)/fuzzcov/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzzing)"
	@clang -std=gnu11 -Wall -Wextra -Werror -O1 -g -Isrc -DHOST_TEST \
		-fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(HOST)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(HOST_CORE_OBJS) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) $(HOST_CFLAGS) $< $(HOST_CORE_OBJS) -o $@ $(CHECK_LIBS)

# lru-sim is a tool, not a test: optimised, no sanitizers (its code is
# tested under them in build/host/test_lab and build/host/test_lru_sim).
$(LRU_SIM): src/lab/lru-sim.c $(CORE_SRCS) $(LAB_SRCS) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -Isrc -DHOST_TEST $< $(CORE_SRCS) $(LAB_SRCS) -o $@

# The chapter's plots: faults against frames for every policy on each
# shipped trace (traces/*.trace.xz), drawn by gnuplot into docs/img/.
PLOT_TRACES := $(patsubst traces/%.trace.xz,%,$(wildcard traces/*.trace.xz))
PLOT_FRAMES := 2,3,4,6,8,12,16,24,32,48,64,96,128,192,256,384,512,768,1024,1536,2048,3072
plots: deps $(LRU_SIM)
	@mkdir -p build/lab docs/img
	@for t in $(PLOT_TRACES); do \
		xz -dc traces/$$t.trace.xz > build/lab/$$t.trace && \
		echo "  PLOT    docs/img/$$t.svg" && \
		$(LRU_SIM) -f $(PLOT_FRAMES) --plot docs/img/$$t.svg build/lab/$$t.trace || exit 1; \
	done

# Benchmarks are optimised and run without sanitizers.
$(HOST)/bench_%: tests/bench/bench_%.c $(CORE_SRCS) $(LAB_SRCS) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -Isrc -DHOST_TEST $< $(CORE_SRCS) $(LAB_SRCS) -o $@

bench: deps $(BENCHES)
	scripts/bench.sh $(BENCHES)

# Not part of make test: several minutes of QEMU runs (docs/12-swapping.md).
bench-swap: deps
	$(MAKE) --no-print-directory kernel user
	scripts/bench-swap.sh

# A fuzz target may share a model with a unit test (tests/unit/*.h) or
# helpers with other targets (tests/fuzz/*.h).
$(HOST)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/unit/*.h tests/fuzz/*.h) $(FUZZ_CORE_OBJS) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -Wall -Wextra -Werror -O1 -g -Isrc -DHOST_TEST \
		-fsanitize=fuzzer,address,undefined $< $(FUZZ_CORE_OBJS) -o $@

# How long each target runs: FUZZ_RUNS, FUZZ_SECONDS (see scripts/fuzz.sh).
fuzz: deps $(FUZZERS)
	scripts/fuzz.sh $(FUZZERS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

help:
	@sed -n '3,/^# The kernel builds/p' Makefile | sed 's/^# \{0,1\}//'

-include $(KOBJS:.o=.d) $(ULIB_OBJS:.o=.d) $(patsubst %,$(BUILD)/uobj/user/%.d,$(USER_PROGS))
