# Kernel test scenarios, read by tests/kernel/run.sh. Each boots the kernel in
# QEMU with a command line and checks what it prints on COM1 and how it exits.

# Disk images, made once by the standard tools (scripts/mkdisk.sh).
disks=build/disks
make_disk() {
    local img=$disks/$1
    shift
    [ -f "$img" ] && return 0
    mkdir -p "$disks"
    "$top/scripts/mkdisk.sh" "$img" "$@" > "$img.log" 2>&1 || { echo "mkdisk $img failed:"; cat "$img.log"; }
}
make_disk std.img --size 32 --swap 16 --label pagoda-swap --uuid 0a1b2c3d-0000-4000-8000-00000000cafe
make_disk small.img --size 4 --swap 1
make_disk swap64.img --size 80 --swap 64 --label pagoda-swap64
make_disk eio.img --size 32 --swap 16   # copied for ata-eio and the swap error scenarios (eio_disk)
make_disk noswap.img --size 32 --swap 8 --second 8 --no-mkswap
make_disk notable.img --size 32 --no-table
if [ ! -f "$disks/wiped.img" ]; then
    make_disk wiped.img --size 32 --swap 16
    # Zero the SWAPSPACE2 signature: the last 10 bytes of the swap area's first page.
    dd if=/dev/zero of="$disks/wiped.img" bs=1 seek=$((1048576 + 4086)) count=10 conv=notrunc status=none
fi
[ -f "$disks/big.img" ] || truncate -s 200G "$disks/big.img"   # sparse: takes no space
# snapshot=on: writes go to a temporary overlay, so scenarios running at the
# same time can share an image and no run changes it for the next.
disk() { echo "-drive file=$disks/$1,format=raw,if=ide,index=$2,snapshot=on"; }
# eio_disk NAME RULES: hda is a fresh copy of eio.img for scenario NAME,
# behind QEMU's blkdebug with the error rules in tests/kernel/RULES. Not in
# snapshot mode: an overlay would copy whole 64 KiB clusters on a write,
# reading the poisoned sector underneath. A copy each, so that scenarios
# running side by side never share the image.
eio_disk() {
    cp "$disks/eio.img" "$disks/eio-$1.img"
    echo "-drive file=blkdebug:tests/kernel/$2:$disks/eio-$1.img,format=raw,if=ide,index=0"
}

# A clean boot by QEMU's Multiboot loader: the in-kernel checks of what boot
# set up, serial input included (the harness types "ping").
scenario boot-kernel --boot kernel --args "test=boot" --input "ping" \
    --module tests/kernel/module.txt \
    --expect '^boot loader: qemu' \
    --expect '^command line: ".*kernel.elf test=boot"' \
    --expect '^  \[ 0\] 0x0000000000000000-0x000000000009fbff len 0x0000009fc00 +0\.62 MiB  available \(1\)' \
    --expect '^modules: [0-9]+' \
    --expect '^  \[0\] 0x[0-9a-f]{8}-0x[0-9a-f]{8} 41 bytes "tests/kernel/module.txt"' \
    --expect '^ok 20 - serial input by IRQ 4 read "ping"' \
    --expect "^ktest: 'boot' done: 20 ok, 0 not ok" \
    --reject '^not ok' --reject '^cmdline:'

# The same, booted from the GRUB ISO built from the top-level grub.cfg.
scenario boot-iso --boot iso --args "test=boot" --input "ping" --timeout 60 \
    --expect '^boot loader: GRUB' \
    --expect '^command line: "test=boot"' \
    --expect "^ktest: 'boot' done: 20 ok, 0 not ok" \
    --reject '^not ok' --reject '^cmdline:'

# The shell, driven through the serial port; poweroff leaves with status 33.
scenario shell --boot kernel --args "" --input $'help\nbogus\nuptime\npoweroff' \
    --expect '^pagoda> +help' --expect '^  poweroff +turn the machine off' \
    --expect '^bogus: no such command' --expect '^up [0-9]+\.[0-9]{2} s \([0-9]+ ticks at 100 Hz\), 0 spurious IRQs$' \
    --expect '^powering off'

# Hostile boot information is refused with a message naming the value.
scenario multiboot --boot kernel --args "test=multiboot" \
    --expect '^multiboot: wrong boot magic 0x12345678 \(expected 0x2badb002\)' \
    --expect '^multiboot: no memory map from the boot loader \(flags 0x1 lack bit 6\)' \
    --expect '^multiboot: memory map entry at offset 24 has size 2, less than 20' \
    --expect "^ktest: 'multiboot' done: 12 ok, 0 not ok" --reject '^not ok'

# Bad command lines are reported, not ignored.
scenario cmdline-errors --boot kernel --args "frobnicate=1 test=multiboot break=nowhere loose" \
    --expect "^cmdline: 'frobnicate=1': unknown option \(known options: test= break= kheap= swap= cow= lazy= stack= hot= evict= userpages= swapcheck= watermarks= fastpage= ata= cluster= readahead=\)" \
    --expect "^cmdline: 'break=nowhere': value not allowed \(break= takes: gdt, pmm, paging, panic, switch, ata, cow, swapout, swapin\)" \
    --expect "^cmdline: 'loose': not in key=value form" \
    --expect "^ktest: 'multiboot' done"
scenario cmdline-bad-test --boot iso --args "test=nosuchtest" --input "poweroff" --timeout 60 \
    --expect "^cmdline: 'test=nosuchtest': value not allowed \(test= takes: boot, multiboot, " \
    --expect '^powering off'

# Deliberate CPU exceptions: each must give the named panic report.
panic_report=(--expect '^  eax=[0-9a-f]{8} ebx=[0-9a-f]{8} ecx=[0-9a-f]{8} edx=[0-9a-f]{8}'
    --expect '^  eip=c01[0-9a-f]{5} eflags=[0-9a-f]{8} cs=0008'
    --expect '^  cr0=80010015 cr2=[0-9a-f]{8} cr3=[0-9a-f]{8} cr4=[0-9a-f]{8}'
    --expect '^  backtrace:' --expect '^System halted\.')
scenario divide-error --args "test=divzero" --status panic \
    --expect '^PANIC: CPU exception 0 #DE \(Divide Error\), error code 0x0' "${panic_report[@]}"
scenario invalid-opcode --args "test=ud" --status panic \
    --expect '^PANIC: CPU exception 6 #UD \(Invalid Opcode\), error code 0x0' "${panic_report[@]}"
scenario page-fault --args "test=pagefault" --status panic \
    --expect '^PANIC: CPU exception 14 #PF \(Page Fault\), error code 0x0' \
    --expect '^  page fault at address 0x00000000: page not present, read, supervisor mode' \
    "${panic_report[@]}"
scenario panic --args "test=panic" --status panic \
    --expect '^PANIC: ktest asked for a panic with value 42' --expect '^  backtrace:'

# Physical memory: at each size, every free frame is allocated through the
# hot-frame cache, marked through the kernel's mapping where it has one,
# checked, freed, and the free lists come back exactly as they were.
pmm_checks=(--expect "^ktest: 'pmm' done: (7|14) ok, 0 not ok" --reject '^not ok')
scenario pmm-4m --args "test=pmm" --qemu "-m 4" "${pmm_checks[@]}" \
    --expect '^ok 2 - zone Normal: allocated all [0-9]{2,3} free frames'
scenario pmm-8m --args "test=pmm" --qemu "-m 8" "${pmm_checks[@]}" \
    --expect '^ok 2 - zone Normal: allocated all 1[0-9]{3} free frames' \
    --expect '^pmm: reserved 0x00100000-0x001[0-9a-f]{5} kernel image'
scenario pmm-64m --args "test=pmm" --qemu "-m 64" "${pmm_checks[@]}" \
    --expect '^Node 0, zone   Normal( +[0-9]+){10} +1[0-9]$' \
    --expect '^ok [0-9]+ - zone Normal: hot-frame cache on: one frame taken and freed leaves 8 in it'
scenario pmm-512m --args "test=pmm" --qemu "-m 512" "${pmm_checks[@]}" \
    --expect '^ok 4 - zone Normal: markers read back in 1[23][0-9]{4} frames \(0 without a kernel mapping\), 0 wrong'
# 3.5 GiB: QEMU puts 3 GiB below 4 GiB and the rest above it.
scenario pmm-3584m --args "test=pmm" --qemu "-m 3584" --timeout 90 "${pmm_checks[@]}" \
    --expect '^pmm: skipping 512\.00 MiB of RAM above 4 GiB' \
    --expect '^pmm: 2175\.87 MiB above the 896 MiB direct map is zone HighMem' \
    --expect '^ok 11 - zone HighMem: markers read back in 0 frames \(557024 without a kernel mapping\)' \
    --expect "^ktest: 'pmm' done: 14 ok, 0 not ok"
# The same with the cache turned off: every frame comes from the lists.
scenario pmm-hot-off --args "test=pmm hot=off" --qemu "-m 64" "${pmm_checks[@]}" \
    --expect '^pmm: hot-frame cache off \(hot=off\): every frame comes from the free lists$' \
    --expect '^ok [0-9]+ - zone Normal: hot-frame cache off: one frame taken and freed leaves 0 in it' \
    --reject '^cmdline:'

# Misuse of the allocator is refused and named; nothing is lost.
scenario buddy-misuse --args "test=buddy_misuse" --reject '^not ok' \
    --expect '^ok [0-9]+ - free with the wrong order refused' \
    --expect '^ok [0-9]+ - second free refused: block is already free' \
    --expect '^ok [0-9]+ - free of a never-allocated frame inside a free block refused' \
    --expect '^ok [0-9]+ - nothing lost' --expect "^ktest: 'buddy_misuse' done: 10 ok, 0 not ok"
scenario buddy-double-free --args "test=buddy_doublefree" --status panic \
    --expect '^PANIC: pmm: bad free of frame 0x([0-9a-f]{8}) \(pfn [0-9]+\) order 0: block is already free \(double free\)'

# Paging: the kernel's directory, map/translate/unmap, TLB flushes, no leaks;
# whole-page zeroing and copying by each fastpage= method.
scenario vmm --args "test=vmm" --reject '^not ok' \
    --expect '^vmm: kernel page directory at phys 0x[0-9a-f]{8} \(virt 0xc[0-9a-f]{7}\), 64 page tables for the kernel half$' \
    --expect '^ok [0-9]+ - kernel text: read-only, global, supervisor' \
    --expect '^ok [0-9]+ - after remapping, the same address reads frame B \(invlpg\)' \
    --expect '^ok [0-9]+ - no frame leaked: ([0-9]+) free before, \1 after' \
    --expect '^  0xc0000000-0xc00fffff -> 0x00000000-0x000fffff  rw S G$' \
    --expect '^  0xc0100000-0xc01[0-9a-f]{5} -> 0x00100000-0x001[0-9a-f]{5}  r- S G$' \
    --expect '^ok [0-9]+ - page_zero and page_copy by words: 0 bytes not zeroed, 0 not copied, 0 changed around them$' \
    --expect '^ok [0-9]+ - page_zero and page_copy by rep: 0 bytes not zeroed, 0 not copied, 0 changed around them$' \
    --expect '^ok [0-9]+ - page_zero and page_copy by bytes: 0 bytes not zeroed, 0 not copied, 0 changed around them$' \
    --expect '^vmm: whole pages are zeroed and copied by a loop over words \(fastpage=on\)$' \
    --expect '^page ops, TSC ticks per page: zero words [0-9]+ rep [0-9]+ bytes [0-9]+, copy words [0-9]+ rep [0-9]+ bytes [0-9]+$' \
    --expect "^ktest: 'vmm' done: 34 ok, 0 not ok"

# The faults the kernel must report, each with its own panic report.
scenario write-kernel-text --args "test=write_text" --status panic \
    --expect '^page fault in the kernel at eip 0xc01[0-9a-f]{5}: write to 0xc01[0-9a-f]{5} \(protection violation, supervisor\) in kernel text and read-only data' \
    --expect '^PANIC: CPU exception 14 #PF \(Page Fault\), error code 0x3' "${panic_report[@]}"
scenario read-null --args "test=pagefault" --status panic \
    --expect '^page fault in the kernel at eip 0xc01[0-9a-f]{5}: read from 0x00000000 \(page not present, supervisor\) in the NULL page, never mapped'
scenario read-unmapped-kernel --args "test=read_unmapped" --status panic \
    --expect '^page fault in the kernel at eip 0xc01[0-9a-f]{5}: read from 0xc[0-9a-f]{7} \(page not present, supervisor\) in the direct map, past the end of RAM' \
    --expect '^PANIC: CPU exception 14 #PF \(Page Fault\), error code 0x0'

# The kernel heap: a storm with contents verified, no leaks, misuse caught.
scenario kheap --args "test=kheap" --reject '^not ok' \
    --expect '^kheap: 22 size classes from 16 to 2016 bytes, larger objects in whole blocks; debug checks on' \
    --expect '^ok 1 - 30000 random operations .*: every block intact' \
    --expect '^ok [0-9]+ - no frame leaked: ([0-9]+) free before, \1 after, 0 kept by the heap' \
    --expect "^ktest: 'kheap' done: 7 ok, 0 not ok"
scenario kheap-fast --args "test=kheap kheap=fast" --reject '^not ok' \
    --expect '^kheap: .*; debug checks off' --expect "^ktest: 'kheap' done: 7 ok, 0 not ok"
scenario kheap-double-free --args "test=kheap_double_free" --status panic \
    --expect '^PANIC: kfree\(0xc[0-9a-f]{7}\): object is already free \(double free\)'
scenario kheap-overflow --args "test=kheap_overflow" --status panic \
    --expect '^PANIC: kfree\(0xc[0-9a-f]{7}\): red zone after the object was overwritten \(offset 24, object of 24 bytes\)'

# Processes: several programs at once, each in its own address space.
scenario procs --args "test=procs" --timeout 60 --reject '^not ok' \
    --expect '^pidpage 1: page at 0x0804b000$' --expect '^pidpage 2: page at 0x0804b000$' \
    --expect '^pidpage 1: only my pid in the page at 0x0804b000$' \
    --expect '^pidpage 2: only my pid in the page at 0x0804b000$' \
    --expect '^parent 4: child [0-9]+ exited with status 42$' \
    --expect '^hello from pid 5 \(parent 0\), argc 2$' --expect '^argv\[1\] = world$' \
    --expect '^ok [0-9]+ - no frame leaked: ([0-9]+) in use before, \1 after' \
    --expect "^ktest: 'procs' done: 14 ok, 0 not ok"

# Hostile programs end as they must while a bystander finishes intact.
scenario hostile --args "test=hostile" --module tests/kernel/module.txt --timeout 90 \
    --reject '^not ok' --reject 'survived' \
    --expect '^pid [0-9]+ \(readnull\) killed: read from 0x00000000 \(not present, user\) at eip 0x0804[0-9a-f]{4}$' \
    --expect '^pid [0-9]+ \(writekernel\) killed: write to 0xc0100000 \(protection, user\) at eip 0x0804[0-9a-f]{4}$' \
    --expect '^pid [0-9]+ \(readkernel\) killed: read from 0xc0110000 \(protection, user\)' \
    --expect '^pid [0-9]+ \(jumpkernel\) killed: instruction fetch from 0xc0100000 \(protection, user\) at eip 0xc0100000$' \
    --expect '^pid [0-9]+ \(stackoverflow\) killed: write to 0xbf7ff[0-9a-f]{3} \(not present, user\) .*: stack overflow past its 8 MiB limit \(stack=\)$' \
    --expect '^pid [0-9]+ \(stackclash\) killed: write to 0xbf7[0-9a-f]{5} \(not present, user\) .*: stack overflow past its 8 MiB limit \(stack=\)$' \
    --expect '^pid [0-9]+ \(usefpu\) killed: CPU exception 7 #NM \(Device Not Available\) at eip 0x0804[0-9a-f]{4}$' \
    --expect '^bigwrite: write of 4194304 bytes returned 4096$' \
    --expect '^orphans: 100 orphans made$' \
    --expect '^badptr: all [0-9]+ checks passed$' --expect '^badsyscall: -38 -38 -38$' \
    --expect '^forkbomb: [0-9]+ children, then fork returned -11$' \
    --expect '^bystander [0-9]+: intact after 100 rounds$' \
    --expect '^exec module\.txt: not a program Pagoda can run: ' \
    --expect '^pid [0-9]+ \(ldtgate\) killed: CPU exception 13 #GP \(General Protection\), error code 0x4004 at eip 0x0000[0-9a-f]{4}$' \
    --expect '^ldtgate: call gate through the LDT: child ended with status 139$' \
    --expect '^ldtgate: LDT selector in FS: child ended with status 139$' \
    --expect '^pid [0-9]+ \(wildgap\) killed: read from 0xbf780000 \(not present, user\) at eip 0x0804[0-9a-f]{4}: in the unmapped gap below the stack, not a stack overflow$' \
    --expect '^pid [0-9]+ \(wildgap\) killed: instruction fetch from 0xbf780000 \(not present, user\) at eip 0xbf780000: in the unmapped gap below the stack, not a stack overflow$' \
    --expect '^pid [0-9]+ \(wildgap\) killed: instruction fetch from 0xc0000000 \(protection, user\) at eip 0xbffffffe$' \
    --count '3 ^wildgap: .*: child ended with status 139$' \
    --expect '^exec gapseg: not a program Pagoda can run: segment 2 ends at 0xbff0100c, past 0xbf700000, the end of the addresses a program may use \(it reaches into the gap below the stack, or the stack.s room to grow\)$' \
    --expect '^pid [0-9]+ \(hello\) killed: fs held a selector that is not valid \(CPU exception 13 #GP, error code 0x4004\) on the way back to user mode$' \
    --expect '^ok [0-9]+ - no frame leaked: ([0-9]+) in use before, \1 after' \
    --expect "^ktest: 'hostile' done: 40 ok, 0 not ok"

# Page tables for user mappings come out of the user budget: a program that
# has taken every user page and then asks for a page in each untouched 4 MiB
# region leaves the kernel's 256-frame reserve intact, and a fork then fails
# for want of memory (-ENOMEM), not of a process slot.
scenario user-budget --qemu "-m 32" --timeout 60 --input $'run ptdrain\nrun hello\npoweroff' \
    --expect '^ptdrain: [0-9]+ pages \([0-9]+ MiB\) taken, then -ENOMEM$' \
    --expect '^ptdrain: ([0-9]+) untouched 4 MiB regions asked for a page: \1 refused$' \
    --expect "^ptdrain: [0-9]+ frames free, the kernel's reserve is 256: intact$" \
    --expect '^ptdrain: fork with no memory left returned -12 \(-ENOMEM\)$' \
    --expect '^pid 1 \(ptdrain\) exited with status 0$' \
    --expect '^pid [0-9]+ \(hello\) exited with status 0$' --expect '^powering off'

# The shell's free takes back only what its alloc handed out: a running
# process's page directory and code page are refused, and killing the
# process afterwards frees them cleanly (it panicked before).
scenario shell-free --args "test=shell_free" --reject '^not ok' \
    --expect '^free: refused for frame 0x[0-9a-f]{8}: the shell.s alloc did not hand it out' \
    --expect "^ktest: 'shell_free' done: 5 ok, 0 not ok"

# exec renames the process after the new program: the shell's exit line
# names hello, which execer became, in the foreground and in the background.
scenario exec-name --timeout 30 --input $'run execer\nrun execer &\nrun nap 500\npoweroff' \
    --expect '^execer 1: exec hello$' --expect '^pid 1 \(hello\) exited with status 0$' \
    --expect '^pid 2 \(hello\) exited with status 0$' --reject '\(execer\) exited' \
    --expect '^powering off'

# The shell's words: a tab separates them, and a line with too many words
# or too many characters is refused whole, never cut and run.
scenario shell-words --timeout 30 \
    --input "$(printf 'run hello 1 2 3 4 5 6 7 8 9 10\nrun hello a b c d e f &\nrun\thello\ttabbed\nrun hello %0120d\nalloc 0\nfree 0x100000 0\npoweroff' 0)" \
    --expect '^shell: more than 10 words on the line: nothing run$' \
    --expect '^started pid 1 \(hello\)$' --expect '^argv\[6\] = f$' \
    --expect '^argv\[1\] = tabbed$' \
    --expect '^shell: line longer than 127 characters: nothing run$' \
    --expect '^free: refused for frame 0x00100000: ' \
    --reject '^argv\[[0-9]\] = .* ' --reject '^hello from pid [0-9]+ \(parent 0\), argc 12' \
    --expect '^powering off'

# A heap of almost 3 GiB with 3 pages touched: fork (500 times), ps, vmmap
# and sbrk giving it back walk the page tables that exist, not the area's
# 750,000 pages. This run takes about 3 s; walking every page made it take
# about 15 s, past the timeout.
scenario huge-heap --timeout 10 \
    --input $'run hugeheap &\nrun nap 1000\nps\nvmmap 1\nrun nap 1500\npoweroff' \
    --expect '^hugeheap: 2932 MiB heap, 3 pages touched, forked 500 times$' \
    --expect '^    1     0  sleeping  hugeheap +0x[0-9a-f]{8} +[0-9]+ ' \
    --expect '^  0x0804c000-0xbf44bfff rw- heap   3002368 KiB, 3 resident, 0 shared$' \
    --expect '^hugeheap: heap given back$' --expect '^powering off'

# Copy-on-write fork (xv6's cowtest): a process holding two thirds of free
# memory forks twice; with cow=off the eager copy cannot fit. A kernel
# write into a shared page (meminfo) copies it for the writer only.
scenario cow-fork --qemu "-m 32" --timeout 60 --input $'run cowfork\nvmstat\npoweroff' \
    --expect '^cowfork: three processes each wrote [0-9]+ pages \(a quarter of free memory\): 0 saw another.s data$' \
    --expect '^cowfork: round 1: fork of [0-9]+ pages ok, child status 0$' \
    --expect '^cowfork: round 2: fork of [0-9]+ pages ok, child status 0$' \
    --expect '^cowfork: child sees the old data after the kernel wrote the parent.s copy$' \
    --expect '^pid 1 \(cowfork\) exited with status 0$' \
    --expect '^cow-copy +[1-9][0-9]*$' --expect '^cow-reuse +[1-9][0-9]*$'
scenario cow-off --args "cow=off" --qemu "-m 32" --timeout 60 --input $'run cowfork\npoweroff' \
    --expect '^cowfork: round 1: fork returned -12$' \
    --expect '^pid 1 \(cowfork\) exited with status 1$'

# Lazy loading: four copies of a program share the frame of their text
# page from the program file; a 1 MiB .data array of which one page is
# read costs one page.
scenario lazy-load --args "test=lazy" --reject '^not ok' \
    --expect "^ktest: 'lazy' done: 11 ok, 0 not ok"
# (bigdata's line is not anchored: the shell may be echoing the next typed
# command when the program prints.)
scenario lazy-data --timeout 30 --input $'run bigdata &\nrun nap 300\nvmmap 1\npoweroff' \
    --expect 'bigdata: big\[0\] = 42, 1024 KiB of data, one page touched$' \
    --expect '^  0x0804b000-0x0814bfff rw- data    1028 KiB, 1 resident, 0 shared$'
scenario lazy-off --args "lazy=off" --timeout 30 --input $'run bigdata &\nrun nap 300\nvmmap 1\npoweroff' \
    --expect 'bigdata: big\[0\] = 42, 1024 KiB of data, one page touched$' \
    --expect '^  0x0804b000-0x0814bfff rw- data    1028 KiB, 257 resident, 0 shared$'

# The stack grows down on faults near ESP, up to its limit (stack=, 8M by
# default); past it the program is killed with a message naming the limit.
scenario stack-limit --args "stack=256K" --timeout 30 --input $'run stackoverflow\nrun hello\npoweroff' \
    --expect '^pid 1 \(stackoverflow\) killed: write to 0xbffbf[0-9a-f]{3} \(not present, user\) .*: stack overflow past its 256 KiB limit \(stack=\)$' \
    --expect '^pid 2 \(hello\) exited with status 0$'
scenario stack-bad-option --args "stack=3X" --timeout 30 --input $'run stackoverflow\npoweroff' \
    --expect '^stack=3X: not a size from 16K to 256M in whole pages: the limit stays 8M$' \
    --expect 'stack overflow past its 8 MiB limit \(stack=\)$'

# memcheck catches a reference count that disagrees with the page tables.
scenario memcheck --args "test=memcheck" \
    --expect '^memcheck: frame 0x[0-9a-f]{8} has 2 references but 1 uses$' \
    --expect '^memcheck: 1 removed shared segments are attached nowhere but were not freed$' \
    --expect '^memcheck: frame 0x[0-9a-f]{8} is on the LRU lists but no page table maps it$' \
    --expect "^ktest: 'memcheck' done: 10 ok, 0 not ok"

# One page through copy-on-write: copied for the child, reused by the
# parent once it is the only owner (cowpage checks the frames itself).
scenario cow-page --args "test=cow" \
    --expect '^cowpage: child: shared frame 0x[0-9a-f]+ \(2 references, pte 0x[0-9a-f]*265\), after its write frame 0x[0-9a-f]+ \(1 reference, pte 0x[0-9a-f]*067\)$' \
    --expect '^cowpage: ok$' \
    --expect "^ktest: 'cow' done: 4 ok, 0 not ok"

# mmap, munmap and mprotect on anonymous memory, and copy-on-write frame by
# frame through probe().
scenario mmap --timeout 30 --input $'run mmaptest\npoweroff' \
    --expect '^mmaptest: 0 failed$' --reject 'FAILED' \
    --expect '^pid [0-9]+ \(mmaptest\) killed: read from 0x40001000 \(not present, user\)' \
    --expect '^pid [0-9]+ \(mmaptest\) killed: write to 0x40000000 \(protection, user\)' \
    --expect '^pid 1 \(mmaptest\) exited with status 0$'

# Shared memory: mmap(MAP_SHARED) across fork, and System V segments
# (keys, several attachments, read-only, removal, a full table).
scenario shm --timeout 30 --input $'run shmtest\npoweroff' \
    --expect '^shmtest: 0 failed$' --reject 'FAILED' \
    --expect '^shmtest: three children and the parent each wrote a quarter: words wrong: 0$' \
    --expect '^pid [0-9]+ \(shmtest\) killed: write to 0x4000[0-9a-f]{4} ' \
    --expect '^pid 1 \(shmtest\) exited with status 0$'
# The same results with every page copied at fork and filled at once.
scenario shm-eager --args "cow=off lazy=off" --timeout 30 --input $'run shmtest\npoweroff' \
    --expect '^shmtest: 0 failed$' --reject 'FAILED'
# Workloads at 16 MiB of RAM, each checking every byte it wrote: after
# Pintos's page-linear, page-parallel, page-merge and page-shuffle, xv6's
# nested forks, and a sparse heap and a 2.7 GiB .bss whose frame counts are
# exact.
workloads=$'run pagelinear\nrun pageparallel\nrun pagemerge\nrun pageshuffle\nrun forknest\nvmstat\npoweroff'
workload_results=(
    --expect '^pagelinear: 2048 KiB encrypted and decrypted: 0 bytes wrong$'
    --count '4 ^linear-[0-3]: 2048 KiB encrypted and decrypted: 0 bytes wrong$'
    --expect '^pageparallel: 0 of 4 failed$'
    --expect '^pagemerge: 0 children failed, 0 out of order, 0 byte values miscounted$'
    --expect '^pageshuffle: 10 rounds, checksum 0xfffe0000, 0 rounds with a wrong sum, 0 words missing$'
    --expect '^forknest: 100 rounds, 0 failed, 0 frames not back$'
    --reject 'exited with status [1-9]')
scenario workloads --qemu "-m 16" --timeout 90 --input $'run sparseheap\nrun hugebss\n'"$workloads" \
    "${workload_results[@]}" \
    --expect '^hugebss: 2700 MiB of .bss, 3 pages touched: 5 frames taken, expected 5$' \
    --expect '^sparseheap: sbrk took 0 frames; 256 pages touched in 16 new tables: 272 frames taken, expected 272$' \
    --expect '^cow-copy +[1-9][0-9]*$' --expect '^shared-map +[1-9][0-9]*$'
# The same programs with every page copied at fork and filled at once give
# the same results, but need more memory: pagemerge's eight children copy
# 2 MiB each, which 16 MiB cannot hold (sparseheap, which only shows what
# laziness saves, is left out). All those copies and zeroings go by REP
# STOSD/MOVSD here (fastpage=rep), the word loop everywhere else.
scenario workloads-eager --args "cow=off lazy=off fastpage=rep" --qemu "-m 32" --timeout 90 \
    --input "$workloads" "${workload_results[@]}" --expect '^cow-copy +0$' \
    --expect '^vmm: whole pages are zeroed and copied by REP STOSD/MOVSD \(fastpage=rep\)$'

# Swapping. userpages=64 lets user pages use 256 KiB of memory at once, so
# these programs, each checking every byte it wrote, live mostly in swap.
# Each scenario prints the counters (vmstat) and ends with swap empty again.
# The disk is std.img (16 MiB of swap), in snapshot mode: writes are dropped
# when QEMU ends.
swap_moved=(--expect '^pswpout +[1-9][0-9]*$' --expect '^pswpin +[1-9][0-9]*$'
    --expect '^swap: hda1, .*, 0 in use;' --reject 'exited with status [1-9]')
scenario swap-linear --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 60 \
    --input $'free\nrun pagelinear\nrun swapfill 6 1000 &\nrun nap 300\nfree\nswapon\nwait 2\nrun zerocheck 4\nvmstat\nswapon\nfree\npoweroff' \
    "${swap_moved[@]}" --count '2 ^Swap: +16380 +0 +16380$' --count '2 ^hda1 +partition +16380 +0 +-2$' \
    --expect '^Swap: +16380 +[1-9][0-9]* +[0-9]+$' --expect '^hda1 +partition +16380 +[1-9][0-9]* +-2$' \
    --expect '^Mem: +[0-9]+ +[0-9]+ +[0-9]+ +2[0-9][0-9] +[0-9]+ +[0-9]+$' \
    --expect '^zerocheck: 4 MiB of new heap, 0 bytes not zero$' \
    --expect '^swap: evict=lru, at most 64 user pages in memory \(userpages=\)$' \
    --expect '^pagelinear: 2048 KiB encrypted and decrypted: 0 bytes wrong$' \
    --expect '^swapfill: 6 MiB written and read back: 0 pages wrong$' --expect '^nr_lru_peak +64$'
# The out-of-core classics, after OS/161's huge and sort, and a matrix
# multiply, in a 1 MiB budget, each checking every word it wrote; then a new
# heap must read as zeros (no stale swap data reaches a fresh page).
scenario swap-classic --args "userpages=256" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run hugesparse\nrun sortbig\nrun matmul\nrun zerocheck 4\nvmstat\nswapon\npoweroff' \
    "${swap_moved[@]}" \
    --expect '^hugesparse: 8 MiB with 2048 KiB live, checked twice: 0 words wrong$' \
    --expect '^sortbig: 1152 KiB sorted: 0 words out of order, sum and xor kept$' \
    --expect '^matmul: 360x360 \(1518 KiB in three matrices\): 0 elements wrong$' \
    --expect '^zerocheck: 4 MiB of new heap, 0 bytes not zero$'
# Five of them at once in 2 MiB, memcheck while their pages are in swap.
scenario swap-five --args "userpages=512" --qemu "-m 32 $(disk std.img 0)" --timeout 120 \
    --input $'run hugesparse &\nrun sortbig &\nrun matmul &\nrun pageshuffle &\nrun swapfill 2 &\nrun nap 300\nmemcheck\nwait 1\nwait 2\nwait 3\nwait 4\nwait 5\nvmstat\nswapon\npoweroff' \
    "${swap_moved[@]}" --count '2 ^memcheck: clean' \
    --expect '^hugesparse: 8 MiB with 2048 KiB live, checked twice: 0 words wrong$' \
    --expect '^sortbig: 1152 KiB sorted: 0 words out of order, sum and xor kept$' \
    --expect '^matmul: 360x360 \(1518 KiB in three matrices\): 0 elements wrong$' \
    --expect '^pageshuffle: 10 rounds, checksum 0xfffe0000, 0 rounds with a wrong sum, 0 words missing$' \
    --expect '^swapfill: 2 MiB written and read back: 0 pages wrong$'
# 24 small jobs in parallel (sorts of 256 KiB, 6 MiB in all) in 2 MiB:
# each fills its array and sleeps 2 s, so all 24 hold their arrays at once.
# (A job's line may follow the shell's echo of a command being typed.)
scenario swap-jobs --args "userpages=512" --qemu "-m 32 $(disk std.img 0)" --timeout 120 \
    --input $'run sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nrun sortbig 256 2000 &\nwait 1\nwait 2\nwait 3\nwait 4\nwait 5\nwait 6\nwait 7\nwait 8\nwait 9\nwait 10\nwait 11\nwait 12\nwait 13\nwait 14\nwait 15\nwait 16\nwait 17\nwait 18\nwait 19\nwait 20\nwait 21\nwait 22\nwait 23\nwait 24\nvmstat\nmemcheck\nswapon\npoweroff' "${swap_moved[@]}" \
    --count '24 sortbig: 256 KiB sorted: 0 words out of order, sum and xor kept$'
# 64 forked children of 64 KiB each, all alive and full at once, in 2 MiB
# (the process table has room for them, the shell and the parent).
scenario swap-children --args "userpages=512" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run forkmany\nvmstat\nswapon\npoweroff' "${swap_moved[@]}" \
    --expect '^forkmany: 64 children of 64 KiB, 0 failed$'
# Shared memory under pressure: shmtest's processes cross-check each
# other's words in shared pages while swapfill's pages go to swap and back
# (shared segments' frames are never evicted; everything around them is).
scenario swap-shm --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 60 \
    --input $'run swapfill 4 2000 &\nrun shmtest\nwait 1\nvmstat\nswapon\npoweroff' \
    --expect '^shmtest: 0 failed$' --reject 'FAILED' \
    --expect '^shmtest: three children and the parent each wrote a quarter: words wrong: 0$' \
    --expect '^swapfill: 4 MiB written and read back: 0 pages wrong$' \
    --expect '^pswpout +[1-9][0-9]*$' --expect '^pswpin +[1-9][0-9]*$' --expect '^swap: hda1, .*, 0 in use;'
# The byte loops instead of the word loop for whole pages: the same
# results (zero-fill, copy-on-write copies, swap).
scenario fastpage-off --args "fastpage=off userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 60 \
    --input $'run pagelinear\nrun swapfork\nrun zerocheck 4\nvmstat\nswapon\npoweroff' "${swap_moved[@]}" \
    --expect '^vmm: whole pages are zeroed and copied by the byte loops \(fastpage=off\)$' \
    --expect '^pagelinear: 2048 KiB encrypted and decrypted: 0 bytes wrong$' \
    --expect '^swapfork: parent 0 pages wrong, child exit status 0$' \
    --expect '^zerocheck: 4 MiB of new heap, 0 bytes not zero$' --expect '^cow-copy +[1-9][0-9]*$'
# Four processes at once, and memcheck while their pages are in swap: every
# slot's count equals the entries and the cache that name it.
scenario swap-parallel --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run pageparallel &\nrun nap 2000\nmemcheck\nwait 0\nwait 1\nwait 1\nvmstat\nswapon\npoweroff' \
    --expect '^pid 1 \(pageparallel\) exited with status 0$' --expect '^wait: no process 1$' \
    --expect '^wait: pid 0 is not a job the shell started$' \
    "${swap_moved[@]}" --count '4 ^linear-[0-3]: 2048 KiB encrypted and decrypted: 0 bytes wrong$' \
    --expect '^pageparallel: 0 of 4 failed$' --count '2 ^memcheck: clean'
# A process waiting for a swap-in lets others run: the counting child runs
# during most of the parent's 1024 reads (with the disk polled, about 1%).
scenario swap-wait --args "userpages=64" --qemu "-m 32 $(disk std.img 0),throttling.iops-read=1000" --timeout 60 \
    --input $'run swapwait 4\nvmstat\nmemcheck\nswapon\npoweroff' "${swap_moved[@]}" \
    --expect '^swapwait: 4 MiB read back, 0 pages wrong; the counting child ran during [0-9]+ of 1024 reads$' \
    --expect '^pid 1 \(swapwait\) exited with status 0$' --expect '^memcheck: clean'
# No budget: 48 MiB in a machine of 16 MiB, on a 64 MiB swap partition,
# twice, then four programs of 8 MiB at once.
# Free memory falls to the low watermark, kswapd starts and does the
# reclaim; slots of pages read back are let go (swap over half full).
scenario swap-big --qemu "-m 16 $(disk swap64.img 0)" --timeout 150 \
    --input $'run swapfill 48\nvmstat\nps\nkill 2\nvmmap 2\nmemcheck\nrun swapfill 48\nrun swapfill 8 &\nrun swapfill 8 &\nrun swapfill 8 &\nrun swapfill 8\nwait 4\nwait 5\nwait 6\nmemcheck\nvmstat\nswapon\npoweroff' "${swap_moved[@]}" \
    --expect '^kill: pid 2 \(kswapd\) is a kernel thread: it cannot be killed$' \
    --expect '^swap: watermarks min [0-9]+, low [0-9]+, high [0-9]+ free pages: kswapd reclaims from low to high$' \
    --expect '^swap: kswapd started as pid 2$' \
    --count '2 ^swapfill: 48 MiB written and read back: 0 pages wrong$' \
    --count '4 swapfill: 8 MiB written and read back: 0 pages wrong$' --count '3 ^memcheck: clean' \
    --expect '^pgsteal_kswapd +[1-9][0-9]*$' --expect '^swapcache_trim +[1-9][0-9]*$' \
    --expect '^ +2 +0 +blocked +kswapd '
# Fork under pressure: pages shared by copy-on-write go to swap while still
# shared, and the second process to touch one finds it in the swap cache.
scenario swap-fork --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run swapfork\nrun pagemerge\nrun forknest\nvmstat\nswapon\npoweroff' "${swap_moved[@]}" \
    --expect '^swapfork: parent 0 pages wrong, child exit status 0$' \
    --expect '^pagemerge: 0 children failed, 0 out of order, 0 byte values miscounted$' \
    --expect '^forknest: 100 rounds, 0 failed, 0 frames not back$' \
    --expect '^swapcache_hit +(2(5[6-9]|[6-9][0-9])|[3-9][0-9]{2}|[1-9][0-9]{3,})$'
# More than memory and swap hold: the process is killed, the bystander
# (partly in swap by then) finishes intact, and its slots are freed after.
scenario swap-full --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run bystander &\nrun swapfill 20\nrun nap 3000\nswapon\npoweroff' \
    --expect '^oom: out of memory and swap: killing pid 2 \(swapfill\), [0-9]+ pages in memory and [0-9]+ in swap$' \
    --expect '^pid 2 \(swapfill\) killed: out of memory for a page it was allowed to touch$' \
    --expect '^bystander 1: intact after 100 rounds$' --expect '^pid 1 \(bystander\) exited with status 0$' \
    --expect '^swap: hda1, .*, 0 in use;'
# A kill that lands halfway through a fault (the victim woke kswapd and
# gave up the CPU) waits for the fault to end, and loses no frame.
scenario kill-midfault --args "test=kill_midfault" --qemu "-m 16 $(disk std.img 0)" --timeout 90 \
    --expect '^pid [0-9]+ \(swapfill\) will be killed when it leaves the kernel$' \
    --expect "^ktest: 'kill_midfault' done: 9 ok, 0 not ok"
# Read-ahead under memory pressure: three programs swapping at once at
# -m 16, one killed halfway; the data is right, read-ahead pages were used,
# and nothing is left behind.
scenario swap-readahead --args "test=swap_readahead" --qemu "-m 16 $(disk std.img 0)" --timeout 120 \
    --count '2 ^swapfill: 4 MiB written and read back: 0 pages wrong$' \
    --count '1 ^swapfill: 12 MiB written and read back: 0 pages wrong$' \
    --expect '^ok [0-9]+ - [0-9]+ pages read ahead: [0-9]+ used by a fault, [0-9]+ let go$' \
    --expect "^ktest: 'swap_readahead' done: 12 ok, 0 not ok"
# Swap full (1 MiB on small.img) with a clean cached page behind pages that
# need a slot: eviction looks past them and drops the clean page.
scenario swap-full-evict --args "test=swap_full_evict evict=clock" --qemu "-m 16 $(disk small.img 0)" \
    --reject '^not ok' \
    --expect '^ok [0-9]+ - swap full \(255 slots\) after [0-9]+ pages, page 0 still in memory and cached$' \
    --expect '^ok [0-9]+ - one more page: page 0 dropped without a write to make room \(rc 0, 1 dropped\)$' \
    --expect "^ktest: 'swap_full_evict' done: 5 ok, 0 not ok"
# Read-ahead within the userpages= budget: the second swapfill exits while
# the first waits, so the first reads back with room in the budget, and its
# runs must stop at the budget. (The nap lets the first finish writing
# before the second starts: otherwise their slots interleave, and once the
# second has exited, no neighbour of the first's slots is worth reading.) Before the fix the frames of a run were
# checked against the budget one by one, as if none of them counted until
# the read ended: 65 pages on the lists for a budget of 64.
scenario swap-readahead-budget --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 60 \
    --input $'run swapfill 1 3000 &\nrun nap 500\nrun swapfill 1\nwait 1\nvmstat\npoweroff' "${swap_moved[@]}" \
    --count '2 ^swapfill: 1 MiB written and read back: 0 pages wrong$' \
    --expect '^swap_ra +[1-9][0-9]*$' --expect '^nr_lru_peak +64$'
scenario swap-ktest --args "test=swap userpages=64" --qemu "$(disk std.img 0)" \
    --expect "^ktest: 'swap' done: 4 ok, 0 not ok"
# Exact counts for each policy on a fixed string over 5 pages in 4 frames,
# equal to what the page-replacement lab computes for the same string.
for policy in lru clock fifo; do
    scenario "swapcount-$policy" --args "test=swapcount evict=$policy" --qemu "$(disk std.img 0)" \
        --expect "^ok [0-9]+ - evict=$policy: [0-9]+ faults" \
        --expect "^ktest: 'swapcount' done: 4 ok, 0 not ok"
done
# swapcheck=on: a slot overwritten behind the kernel's back is caught when
# its page comes back, and only its owner dies.
# A swap-in read the disk refuses (blkdebug, once the test has flushed the
# disk): only the process whose page it was dies, with a message; the other
# finishes its check and the slot is never used again.
scenario swap-read-error --args "test=swap_read_error userpages=64" --timeout 60 --reject '^not ok' \
    --qemu "-m 32 $(eio_disk swap-read-error blkdebug-swap-read.conf)" \
    --expect '^ata: hda: giving up on the read of sector 2128 after 3 attempts: -EIO$' \
    --expect '^pid 1 \(swapfill\) killed: its page could not be read back from swap \(disk error\)$' \
    --expect '^swapfill: 1 MiB written and read back: 0 pages wrong$' \
    --expect "^ktest: 'swap_read_error' done: 7 ok, 0 not ok"
scenario swapcheck --args "test=swapcheck userpages=64 swapcheck=on" --qemu "$(disk std.img 0)" \
    --expect '^swapcheck: slot [0-9]+ came back with checksum 0x[0-9a-f]{8}, went out with 0x[0-9a-f]{8}$' \
    --expect '^pid [0-9]+ \(swapfill\) killed: its page could not be read back from swap \(disk error\)$' \
    --expect "^ktest: 'swapcheck' done: 6 ok, 0 not ok"
# The OOM killer takes the largest process, not the one that asked: a
# 10 MiB holder goes, and the 8 MiB program that ran out goes on (18 MiB
# do not fit in 16 MiB of swap and 256 KiB of memory).
scenario swap-oom --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run swapfill 10 4000 &\nrun nap 2000\nrun swapfill 8\nvmstat\nswapon\npoweroff' \
    --expect '^oom_kill +1$' \
    --expect '^oom: out of memory and swap: killing pid 1 \(swapfill\), [0-9]+ pages in memory and [0-9]+ in swap$' \
    --expect '^swapfill: 8 MiB written and read back: 0 pages wrong$' \
    --expect '^pid 1 \(swapfill\) exited with status 137$' --expect '^swap: hda1, .*, 0 in use;'
# Swap full (1 MiB on small.img) and memory short: only the pages of the
# swap cache could still go, so neither kswapd nor an allocation tries to
# reclaim (counted as pageoutrun and allocstall); the OOM killer ends it.
scenario swap-full-reclaim --qemu "-m 16 $(disk small.img 0)" --timeout 90 \
    --input $'run swapfill 14\nvmstat\nfree\npoweroff' \
    --expect '^oom: out of memory and swap: killing pid 1 \(swapfill\)' \
    --expect '^pageoutrun +[0-9]$' --expect '^allocstall +[0-9]$'
# Attacks on the swap path: a write() whose buffer's second page must come
# back from swap (bringing it back once evicted the first: a kernel page
# fault); a read-only page shared through the swap cache, then made
# writable by one side (the write reached the other); page tables filling
# memory until a new one cannot be had (the kernel freed a frame still on
# the LRU lists: a panic).
scenario swap-hostile --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 120 \
    --input $'run writespan 20\nrun roswap\nrun ptfill\npoweroff' \
    --expect '^writespan: survived$' --expect "^roswap: the child still read 'A'$" \
    --expect '^pid [0-9]+ \(ptfill\) killed: out of memory for a page it was allowed to touch$' \
    --reject '^PANIC'
# swapoff under load: refused while memory cannot hold what is in swap,
# done once it can (the bystander's pages come back), then swapon.
scenario swapoff --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 90 \
    --input $'run bystander &\nrun swapfill 2 2000 &\nrun nap 300\nswapoff\nwait 2\nswapoff\nswapoff\nswapon\nmemcheck\nwait 1\npoweroff' \
    --expect '^swapoff: [0-9]+ pages are in swap and memory has room for [0-9]+: swap stays on$' \
    --expect '^swapoff: [0-9]+ pages read back; swap is off$' --expect '^swapoff: swap is off already$' \
    --expect '^swapon: swap is on again$' --expect '^swap: hda1, .*, 0 in use;' \
    --expect '^bystander 1: intact after 100 rounds$' --count '2 ^memcheck: clean'
# swapfill killed while swapoff reads its pages back (each read takes 1 ms:
# the kill lands during one). swapoff must not touch the freed address
# space when the read ends; without that check, the kernel faulted on it.
scenario swapoff-exit --args "test=swapoff_exit" --qemu "-m 32 $(disk std.img 0),throttling.iops-read=1000" \
    --timeout 60 --reject '^not ok' --expect '^swapoff: [0-9]+ pages read back; swap is off$' \
    --expect '^ok [0-9]+ - it was killed before swapoff had read all its pages$' \
    --expect "^ktest: 'swapoff_exit' done: 8 ok, 0 not ok"
# A swap slot the disk refuses (blkdebug fails every transfer of slot 10;
# the first is a write): the page stays in memory, the slot is marked bad
# and never used again, another slot takes the page, nothing is lost.
scenario swap-write-error --args "userpages=64" --timeout 90 \
    --qemu "-m 32 $(eio_disk swap-write-error blkdebug-read-error.conf)" \
    --input $'run swapfill 2\nrun pagelinear\nswapon\nfree\npoweroff' \
    --expect '^ata: hda: giving up on the write of sector 2128 after 3 attempts: -EIO$' \
    --count '1 ^swap: writing slot 10 failed: it is marked bad$' \
    --expect '^swapfill: 2 MiB written and read back: 0 pages wrong$' \
    --expect '^pagelinear: 2048 KiB encrypted and decrypted: 0 bytes wrong$' \
    --expect '^swap: 1 slots marked bad since boot \(disk errors\): never used again$' \
    --expect '^swap: hda1, .*, 0 in use;' \
    --expect '^Swap: +16376 +0 +16376$'
# The same bad slot in the middle of a clustered write: at -m 16 kswapd
# writes runs of up to 32 pages (what brings free memory back to the high
# watermark: 30 here), and the run holding slot 10 fails. Its pages are
# written again one by one to their own slots: only slot 10 is marked bad,
# its page goes elsewhere, and every page comes back right.
scenario swap-write-error-cluster --timeout 90 \
    --qemu "-m 16 $(eio_disk swap-write-error-cluster blkdebug-read-error.conf)" \
    --input $'run swapfill 12\nvmstat\nmemcheck\nfree\npoweroff' \
    --expect '^swap: writing slots [0-9]+-[0-9]+ failed: writing them one at a time$' \
    --count '1 ^swap: writing slot 10 failed: it is marked bad$' \
    --expect '^swapfill: 12 MiB written and read back: 0 pages wrong$' \
    --expect '^memcheck: clean' --expect '^Swap: +16376 +0 +16376$' \
    --expect '^swpout_requests +[0-9]+$'

# With swap off, the budget is a hard limit: a kill, not a hang.
scenario swap-off-budget --args "userpages=64 swap=off" --qemu "-m 32 $(disk std.img 0)" --timeout 60 \
    --input $'run swapfill 1\npoweroff' \
    --expect '^pid 1 \(swapfill\) killed: out of memory for a page it was allowed to touch$'
scenario userpages-bad --args "userpages=3" --input $'poweroff' \
    --expect '^userpages=3: not a number of pages from 8 up: no budget$' \
    --expect '^swap: evict=lru, no user-page budget$'

# watermarks= sets the three watermarks; a malformed or too large setting
# is refused with its reason and the defaults stay.
scenario watermarks-set --args "watermarks=200,300,400" --qemu "-m 32 $(disk std.img 0)" --input $'poweroff' \
    --expect '^swap: watermarks min 200, low 300, high 400 free pages: kswapd reclaims from low to high$'
scenario watermarks-bad --args "watermarks=300,200,400" --qemu "-m 32 $(disk std.img 0)" --input $'poweroff' \
    --expect '^watermarks=300,200,400: not three page counts MIN,LOW,HIGH with 0 < MIN <= LOW <= HIGH: the defaults stay$' \
    --expect '^swap: watermarks min [0-9]+, low [0-9]+, high [0-9]+ free pages'
scenario watermarks-huge --args "watermarks=10,20,100000" --qemu "-m 32 $(disk std.img 0)" --input $'poweroff' \
    --expect '^watermarks=: HIGH 100000 is more than half of the [0-9]+ free pages: the defaults stay$' \
    --reject 'high 100000'

# ipcs and vmmap while segments are attached; memcheck counts the
# segments' own references; all are gone once the program exits.
scenario shm-ipcs --timeout 30 \
    --input $'run shmtest 1500 &\nrun nap 1000\nipcs\nvmmap 1\nmemcheck\nvmstat\nrun nap 1000\nipcs\npoweroff' \
    --expect '^nr_shared +3$' \
    --expect '^ +[0-9]+ 0x00001234 +12288 +2 pg +1 +1  dest$' \
    --expect '^ +[0-9]+ 0x00001235 +8192 +1 pg +1 +1  $' \
    --expect '^ +[0-9]+ 0x00000000 +4096 +1 pg +1 +0  mmap$' \
    --expect '^  0x40000000-0x40002fff rw- shared +12 KiB, 1 resident, 1 shared \(segment [0-9]+\)$' \
    --expect '^memcheck: clean: 1 address spaces, 7 user pages mapped, 3 frames shared, 3 shared segments$' \
    --expect '^memcheck: clean: 0 address spaces, 0 user pages mapped, 0 frames shared, 0 shared segments$'

# The shell drives processes: run, background jobs, ps, vmmap, pgdir, kill.
scenario shell-processes --timeout 60 \
    --input $'programs\nrun hello one two\nrun spin &\nrun nap 200\nps\nvmmap 2\npgdir 2\nkill 2\nrun nosuch\nkill 99\nps\npoweroff' \
    --expect '^  stackoverflow$' \
    --expect '^hello from pid 1 \(parent 0\), argc 3$' --expect '^pid 1 \(hello\) exited with status 0$' \
    --expect '^started pid 2 \(spin\)$' \
    --expect '^    2     0  (ready|running) +spin +0x[0-9a-f]{8} +[0-9]+ +[0-9]+$' \
    --expect '^  0x08048000-0x08049fff r-x code ' --expect '^  0xbfff0000-0xbfffffff rw- stack ' \
    --expect '^pid 2 \(spin\): page directory at phys 0x[0-9a-f]{8}$' \
    --expect '^  0x08048000-0x08048fff -> 0x[0-9a-f]{8}-0x[0-9a-f]{8}  r- U FILE$' \
    --expect '^  0xc0100000-0xc01[0-9a-f]{5} -> 0x00100000-0x001[0-9a-f]{5}  r- S G$' \
    --expect '^pid 2 \(spin\) exited with status 137$' \
    --expect '^run: cannot start nosuch: no such program$' --expect '^kill: no process 99$' \
    --expect '^powering off'

# Disks: whatever the machine has, the kernel says what it found and whether
# swap is on, and boots either way.
scenario disk-primary-master --qemu "$(disk std.img 0)" --input $'disks\nswapon\npoweroff' \
    --expect '^ata: hda: "QEMU HARDDISK" serial "QM00001", 65536 sectors \(32 MiB\), LBA48$' \
    --expect '^disk: hda1: partition 1: type 0x82 \(Linux swap\), start 2048, 32768 sectors$' \
    --expect '^swap: hda1, 4095 usable pages \(16380 KiB\) of 4096 in the partition, 0 bad, 0 in use; label "pagoda-swap", uuid 0a1b2c3d-0000-4000-8000-00000000cafe$' \
    --expect '^  hda1  start +2048 +32768 sectors +16 MiB  type 0x82 Linux swap' --expect '^powering off'
scenario disk-secondary-slave --qemu "$(disk std.img 3)" --input 'poweroff' \
    --expect '^ata: hdd: "QEMU HARDDISK"' --expect '^swap: hdd1, 4095 usable pages' --reject '^ata: hda'
scenario disk-two --qemu "$(disk noswap.img 0) $(disk std.img 1)" --input $'disks\npoweroff' \
    --expect '^disk: hda2: partition 2: type 0x83 \(Linux\)' \
    --expect '^swap: hda1 is not a usable swap area: ' \
    --expect '^swap: hdb1, 4095 usable pages' --expect '^hdb  disk   "QEMU HARDDISK" 32 MiB'
scenario disk-none --input 'poweroff' \
    --expect '^ata: no ATA disks found$' \
    --expect '^swap: no Linux swap partition with a valid header: swap is off$' --expect '^powering off'
scenario disk-no-table --qemu "$(disk notable.img 0)" --input $'disks\npoweroff' \
    --expect '^disk: hda: no MBR signature \(bytes 510-511 are 0x00 0x00, expected 0x55 0xaa\)$' \
    --expect '^swap: no Linux swap partition with a valid header: swap is off$' --expect '^powering off'
scenario disk-wiped-signature --qemu "$(disk wiped.img 0)" --input 'poweroff' \
    --expect '^swap: hda1 is not a usable swap area: .*' \
    --expect '^swap: no Linux swap partition with a valid header: swap is off$' --expect '^powering off'
scenario swap-off --args "swap=off" --qemu "$(disk std.img 0)" --input $'swapon\npoweroff' \
    --expect '^swap: off \(swap=off\)$' --expect '^swap: off$'
scenario swap-named --args "swap=hdb,1" --qemu "$(disk small.img 0) $(disk std.img 1)" --input 'poweroff' \
    --expect '^swap: hdb1, 4095 usable pages' --reject '^swap: hda1,'
scenario swap-empty-option --args "swap=" --qemu "$(disk std.img 0)" --input 'poweroff' \
    --expect "^cmdline: 'swap=': empty value \(swap=: off, or hdX,N: the swap partition \(default: the first\)\)$" \
    --expect '^swap: hda1, 4095 usable pages'
scenario swap-bad-option --args "swap=sda1" --qemu "$(disk std.img 0)" --input 'poweroff' \
    --expect '^swap: swap=sda1 is not of the form hdX,N \(e\.g\. swap=hda,1\): swap is off$'

# The driver: every slot of a small swap area written and read back by
# interrupt; LBA48 past the 28-bit limit; an injected I/O error (eio_disk).
scenario ata-rw --args "test=ata_rw" --qemu "$(disk small.img 0)" --reject '^not ok' \
    --expect '^ok [0-9]+ - 8 sectors per interrupt: 255 IRQs for 255 page reads \(1 each\)$' \
    --expect "^ktest: 'ata_rw' done: 7 ok, 0 not ok"
# The same reads and writes one sector per interrupt (ata=single), as the
# driver does when a drive cannot use READ/WRITE MULTIPLE.
scenario ata-rw-single --args "test=ata_rw ata=single" --qemu "$(disk small.img 0)" --reject '^not ok' \
    --expect '^ok [0-9]+ - 1 sectors per interrupt: 2040 IRQs for 255 page reads \(8 each\)$' \
    --expect "^ktest: 'ata_rw' done: 7 ok, 0 not ok"
# Runs of up to 32 pages per request, in scattered frames (HighMem ones
# too, at -m 1200): by DMA, one interrupt per read request; by PIO
# (ata=pio), one per 8 sectors.
scenario ata-frames --args "test=ata_frames" --qemu "-m 1200 $(disk small.img 0)" --reject '^not ok' \
    --expect '^ata: PCI IDE controller 8086:7010 at 0:1\.1, bus-master registers at 0x[0-9a-f]+$' \
    --expect '^ok [0-9]+ - frames 0x[0-9a-f]{8}, 0x[0-9a-f]{8}, \.\.\.: none follows the one before \(16 in HighMem\)$' \
    --expect '^ok [0-9]+ - 255 slots written in 23 requests and read back in 10: 0 I/O errors, 0 pages wrong$' \
    --expect '^ok [0-9]+ - DMA: 10 interrupts for the reads \(want 10\)$' \
    --expect '^ok [0-9]+ - 33 requests by DMA$' \
    --expect "^ktest: 'ata_frames' done: 5 ok, 0 not ok"
scenario ata-frames-pio --args "test=ata_frames ata=pio" --qemu "-m 1200 $(disk small.img 0)" --reject '^not ok' \
    --expect '^ata: ata=pio: PIO only$' \
    --expect '^ok [0-9]+ - PIO: 255 interrupts for the reads \(want 255\)$' \
    --expect '^ok [0-9]+ - 0 requests by DMA$' \
    --expect "^ktest: 'ata_frames' done: 5 ok, 0 not ok"
scenario ata-lba48 --args "test=ata_lba48" --qemu "$(disk big.img 0)" --reject '^not ok' \
    --expect '^ata: hda: "QEMU HARDDISK" serial "QM00001", 419430400 sectors \(204800 MiB\), LBA48$' \
    --expect '^disk: hda: no MBR signature' \
    --expect '^ok [0-9]+ - a run of two pages from sector 268435448 written and read back \(DMA\)$' \
    --expect "^ktest: 'ata_lba48' done: 6 ok, 0 not ok"
scenario ata-eio --args "test=ata_eio" --reject '^not ok' \
    --qemu "$(eio_disk ata-eio blkdebug-read-error.conf)" \
    --expect '^ata: hda: read of sector 2128 failed: status 0x41, error 0x04 \(command aborted\)$' \
    --expect '^ata: hda: giving up on the read of sector 2128 after 3 attempts: -EIO$' \
    --expect "^ktest: 'ata_eio' done: 5 ok, 0 not ok"

# A DMA controller error (faked: QEMU's never reports one) turns DMA off for
# good; the request is finished by PIO, and the data reads back right.
scenario ata-dma-error --args "test=ata_dma_error" --qemu "$(disk small.img 0)" --reject '^not ok' \
    --expect '^ata: hda: the DMA controller reported an error \(status 0x0[67]\): PIO from now on$' \
    --expect '^ata: hda: write of sector [0-9]+ failed: the DMA controller.s error$' \
    --expect '^ok [0-9]+ - the write of 4 pages succeeds on its second attempt \(rc 0, 1 retries\)$' \
    --expect '^ok [0-9]+ - read back by PIO: 0 pages wrong$' \
    --expect "^ktest: 'ata_dma_error' done: 4 ok, 0 not ok"

# The same error by PIO with a second disk on the channel: the resets set
# both drives' sectors per interrupt again, not only the failing one's.
scenario ata-eio-pio --args "test=ata_eio ata=pio" --reject '^not ok' \
    --qemu "$(eio_disk ata-eio-pio blkdebug-read-error.conf) $(disk small.img 1)" \
    --expect '^ok [0-9]+ - hdb reads a run of two pages at once after the resets \(0 retries\)$' \
    --expect "^ktest: 'ata_eio' done: 6 ok, 0 not ok"

# Ctrl-C ends a foreground program; the shell takes commands again.
scenario shell-ctrl-c --timeout 30 --input $'run spin\n\x03run orphans\nps\nrun stackoverflow\nvmstat\npoweroff' \
    --expect '^pgfault +[1-9][0-9]*$' --expect '^pgfault_killed +[1-9][0-9]*$' \
    --expect '^zero-fill +[1-9][0-9]*$' \
    --expect '^\^C$' --expect '^pid 1 \(spin\) exited with status 130$' \
    --expect '^orphans: 100 orphans made$' --expect '^pid 2 \(orphans\) exited with status 0$' \
    --expect '^    0     0  running   kernel' --reject '^    [0-9]+ +[0-9]+  zombie' --expect '^powering off'

# Ctrl-C reaches the foreground program wherever it sits in the input:
# here behind a command typed ahead.
scenario shell-ctrl-c-typed-ahead --timeout 30 --input $'run spin\nps\n\x03poweroff' \
    --expect '^pid 1 \(spin\) exited with status 130$' \
    --expect '^  PID  PPID  STATE' --expect '^powering off'

# Nothing piped in is lost while a program runs and the shell reads
# nothing: 40 commands (306 bytes in all, more than the 255 the input ring
# holds) wait behind a 3-second nap, and every one of them runs.
scenario shell-input-backlog --timeout 60 \
    --input "$(printf 'run nap 3000\n'; for i in $(seq 40); do printf 'uptime\n'; done; printf 'poweroff')" \
    --expect '^nap: slept 3000 ms$' \
    --count '40 ^up [0-9]+\.[0-9]{2} s ' --expect '^powering off'

# From the GRUB ISO: grub.cfg's loop over /boot/user/* hands every program to
# the kernel, and the shell runs them as it does under -kernel.
scenario iso-programs --boot iso --timeout 60 --input $'programs\nrun hello from-grub\npoweroff' \
    --expect '^  \[0\] 0x[0-9a-f]{8}-0x[0-9a-f]{8} [0-9]+ bytes "/boot/user/badptr"$' \
    --expect '^  hello$' --expect '^argv\[1\] = from-grub$' \
    --expect '^pid 1 \(hello\) exited with status 0$' --expect '^powering off'

# The answers of the chapters' exercises that are the kernel's own output.
# Chapter 01, exercises 1 and 2, and chapter 05, exercise 2 (32 MiB): the
# memory map at 32 MiB, the frames left (about 7300: the exact count moves
# with the size of the kernel image), the kernel half's page tables, and
# three bad options, each reported with the value the kernel goes on with.
scenario ex-boot-32m --args "stack=1K userpages=4 frobnicate=1" --qemu "-m 32" \
    --input $'bootinfo\npoweroff' \
    --expect '639 KiB below 1 MiB, 31616 KiB above' \
    --expect '^  \[ 4\] 0x0000000001fe0000-0x0000000001ffffff len 0x00000020000 +0\.12 MiB  reserved \(2\)$' \
    --expect '^pmm: 7[23][0-9]{2} frames of 4 KiB usable' \
    --expect '^vmm: kernel page directory at .*, 40 page tables for the kernel half' \
    --expect "^cmdline: 'frobnicate=1': unknown option" \
    --expect '^stack=1K: not a size from 16K to 256M in whole pages: the limit stays 8M$' \
    --expect '^userpages=4: not a number of pages from 8 up: no budget$' \
    --expect '^powering off'
# Chapter 07, exercise 1, and chapter 08, exercise 1.
scenario ex-stack-64k --args "stack=64K" --timeout 30 --input $'run stackoverflow\nrun usefpu\npoweroff' \
    --expect '^pid 1 \(stackoverflow\) killed: write to 0xbffeffd8 \(not present, user\) at eip 0x08048070: stack overflow past its 64 KiB limit \(stack=\)$' \
    --expect '^pid 1 \(stackoverflow\) exited with status 139$' \
    --expect '^pid 2 \(usefpu\) killed: CPU exception 7 #NM \(Device Not Available\)' \
    --expect '^pid 2 \(usefpu\) exited with status 132$' --expect '^powering off'
# Chapter 06, exercise 3: two processes' struct mm are the heap's only
# large blocks.
scenario ex-heap-mm --qemu "$(disk std.img 0)" --timeout 30 \
    --input $'run pidpage 100 &\nrun pidpage 100 &\nmem\npoweroff' \
    --expect '2 large blocks in 2 pages; .* for 5168 bytes asked' --expect '^powering off'
# Chapter 06, exercise 4: with kheap=fast the overflow goes unnoticed and
# the test fails.
scenario ex-kheap-overflow-fast --args "test=kheap_overflow kheap=fast" --status fail \
    --reject '^PANIC'
# Chapter 12, exercise 5: with swap on and userpages=64, the largest
# swapfill that fits (the 4095 slots of swapon and the 64 pages in memory).
scenario ex-swapfill-max --args "userpages=64" --qemu "-m 32 $(disk std.img 0)" --timeout 60 \
    --input $'run swapfill 16\nrun swapfill 17\npoweroff' \
    --expect '^swapfill: 16 MiB written and read back: 0 pages wrong$' \
    --expect '^pid 1 \(swapfill\) exited with status 0$' \
    --expect '^pid 2 \(swapfill\) killed: out of memory for a page it was allowed to touch$' \
    --expect '^powering off'
