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
make_disk eio.img --size 32 --swap 16   # only ata-eio uses it, without a snapshot (see there)
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

# A clean boot by QEMU's Multiboot loader: the in-kernel checks of what boot
# set up, serial input included (the harness types "ping").
scenario boot-kernel --boot kernel --args "test=boot" --input "ping" \
    --module tests/kernel/module.txt \
    --expect '^boot loader: qemu' \
    --expect '^command line: ".*kernel.elf test=boot"' \
    --expect '^  \[ 0\] 0x0000000000000000-0x000000000009fbff len 0x0000009fc00 +0\.62 MiB  available \(1\)' \
    --expect '^modules: [0-9]+' \
    --expect '^  \[0\] 0x[0-9a-f]{8}-0x[0-9a-f]{8} 41 bytes "tests/kernel/module.txt"' \
    --expect '^ok 15 - serial input by IRQ 4 read "ping"' \
    --expect "^ktest: 'boot' done: 15 ok, 0 not ok" \
    --reject '^not ok' --reject '^cmdline:'

# The same, booted from the GRUB ISO built from the top-level grub.cfg.
scenario boot-iso --boot iso --args "test=boot" --input "ping" --timeout 60 \
    --expect '^boot loader: GRUB' \
    --expect '^command line: "test=boot"' \
    --expect "^ktest: 'boot' done: 15 ok, 0 not ok" \
    --reject '^not ok' --reject '^cmdline:'

# The shell, driven through the serial port; poweroff leaves with status 33.
scenario shell --boot kernel --args "" --input $'help\nbogus\nuptime\npoweroff' \
    --expect '^pagoda> +help' --expect '^  poweroff +turn the machine off' \
    --expect '^bogus: no such command' --expect '^up [0-9]+\.[0-9]{2} s \([0-9]+ ticks at 100 Hz\)' \
    --expect '^powering off'

# Hostile boot information is refused with a message naming the value.
scenario multiboot --boot kernel --args "test=multiboot" \
    --expect '^multiboot: wrong boot magic 0x12345678 \(expected 0x2badb002\)' \
    --expect '^multiboot: no memory map from the boot loader \(flags 0x1 lack bit 6\)' \
    --expect '^multiboot: memory map entry at offset 24 has size 2, less than 20' \
    --expect "^ktest: 'multiboot' done: 11 ok, 0 not ok" --reject '^not ok'

# Bad command lines are reported, not ignored.
scenario cmdline-errors --boot kernel --args "frobnicate=1 test=multiboot break=nowhere loose" \
    --expect "^cmdline: 'frobnicate=1': unknown option \(known options: test= break= kheap= swap= hot=\)" \
    --expect "^cmdline: 'break=nowhere': value not allowed \(break= takes: gdt, pmm, paging, panic, switch, ata\)" \
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
    --expect '^ok 2 - zone Normal: allocated all [0-9]{3} free frames'
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
    --expect '^pmm: hot-frame cache off \(hot=off\)' \
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

# Paging: the kernel's directory, map/translate/unmap, TLB flushes, no leaks.
scenario vmm --args "test=vmm" --reject '^not ok' \
    --expect '^vmm: kernel page directory at phys 0x[0-9a-f]{8} \(virt 0xc[0-9a-f]{7}\), [0-9]+ page tables' \
    --expect '^ok [0-9]+ - kernel text: read-only, global, supervisor' \
    --expect '^ok [0-9]+ - after remapping, the same address reads frame B \(invlpg\)' \
    --expect '^ok [0-9]+ - no frame leaked: ([0-9]+) free before, \1 after' \
    --expect '^  0xc0000000-0xc00fffff -> 0x00000000-0x000fffff  rw S G$' \
    --expect '^  0xc0100000-0xc01[0-9a-f]{5} -> 0x00100000-0x001[0-9a-f]{5}  r- S G$' \
    --expect "^ktest: 'vmm' done: 30 ok, 0 not ok"

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
    --expect '^pid [0-9]+ \(stackoverflow\) killed: write to 0xbffef[0-9a-f]{3} \(not present, user\) .*: stack overflow past its 64 KiB limit$' \
    --expect '^pid [0-9]+ \(stackclash\) killed: write to 0xbff[0-9a-f]{5} \(not present, user\) .*: stack overflow past its 64 KiB limit$' \
    --expect '^pid [0-9]+ \(usefpu\) killed: CPU exception 7 #NM \(Device Not Available\) at eip 0x0804[0-9a-f]{4}$' \
    --expect '^bigwrite: write of 4194304 bytes returned 4096$' \
    --expect '^orphans: 100 orphans made$' \
    --expect '^badptr: all [0-9]+ checks passed$' --expect '^badsyscall: -38 -38 -38$' \
    --expect '^forkbomb: [0-9]+ children, then fork returned -11$' \
    --expect '^bystander [0-9]+: intact after 100 rounds$' \
    --expect '^exec module\.txt: not a program Pagoda can run: ' \
    --expect '^ok [0-9]+ - no frame leaked: ([0-9]+) in use before, \1 after' \
    --expect "^ktest: 'hostile' done: 33 ok, 0 not ok"

# The shell drives processes: run, background jobs, ps, vmmap, pgdir, kill.
scenario shell-processes --timeout 60 \
    --input $'programs\nrun hello one two\nrun spin &\nps\nvmmap 2\npgdir 2\nkill 2\nrun nosuch\nkill 99\nps\npoweroff' \
    --expect '^  stackoverflow$' \
    --expect '^hello from pid 1 \(parent 0\), argc 3$' --expect '^pid 1 \(hello\) exited with status 0$' \
    --expect '^started pid 2 \(spin\)$' \
    --expect '^    2     0  (ready|running) +spin +0x[0-9a-f]{8} +[0-9]+ +[0-9]+$' \
    --expect '^  0x08048000-0x08049fff r-x code ' --expect '^  0xbfff0000-0xbfffffff rw- stack ' \
    --expect '^pid 2 \(spin\): page directory at phys 0x[0-9a-f]{8}$' \
    --expect '^  0x08048000-0x08048fff -> 0x[0-9a-f]{8}-0x[0-9a-f]{8}  r- U$' \
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
scenario swap-bad-option --args "swap=sda1" --qemu "$(disk std.img 0)" --input 'poweroff' \
    --expect '^swap: swap=sda1 is not of the form hdX,N \(e\.g\. swap=hda,1\): swap is off$'

# The driver: every slot of a small swap area written and read back by
# interrupt; LBA48 past the 28-bit limit; an injected I/O error. ata-eio has
# an image of its own: a snapshot overlay would copy whole 64 KiB clusters on
# a write, reading the poisoned sector underneath.
scenario ata-rw --args "test=ata_rw" --qemu "$(disk small.img 0)" --reject '^not ok' \
    --expect "^ktest: 'ata_rw' done: 6 ok, 0 not ok"
scenario ata-lba48 --args "test=ata_lba48" --qemu "$(disk big.img 0)" --reject '^not ok' \
    --expect '^ata: hda: "QEMU HARDDISK" serial "QM00001", 419430400 sectors \(204800 MiB\), LBA48$' \
    --expect '^disk: hda: no MBR signature' --expect "^ktest: 'ata_lba48' done: 5 ok, 0 not ok"
scenario ata-eio --args "test=ata_eio" --reject '^not ok' \
    --qemu "-drive file=blkdebug:tests/kernel/blkdebug-read-error.conf:$disks/eio.img,format=raw,if=ide,index=0" \
    --expect '^ata: hda: read of sector 2128 failed: status 0x41, error 0x04 \(command aborted\)$' \
    --expect '^ata: hda: giving up on the read of sector 2128 after 3 attempts: -EIO$' \
    --expect "^ktest: 'ata_eio' done: 5 ok, 0 not ok"

# Ctrl-C ends a foreground program; the shell takes commands again.
scenario shell-ctrl-c --timeout 30 --input $'run spin\n\x03run orphans\nps\nrun stackoverflow\nmem\npoweroff' \
    --expect '^vmstat: pgfault [1-9][0-9]* \(demand-zero [1-9][0-9]*, the rest killed a program\)$' \
    --expect '^\^C$' --expect '^pid 1 \(spin\) exited with status 130$' \
    --expect '^orphans: 100 orphans made$' --expect '^pid 2 \(orphans\) exited with status 0$' \
    --expect '^    0     0  running   kernel' --reject '^    [0-9]+ +[0-9]+  zombie' --expect '^powering off'

# From the GRUB ISO: grub.cfg's loop over /boot/user/* hands every program to
# the kernel, and the shell runs them as it does under -kernel.
scenario iso-programs --boot iso --timeout 60 --input $'programs\nrun hello from-grub\npoweroff' \
    --expect '^  \[0\] 0x[0-9a-f]{8}-0x[0-9a-f]{8} [0-9]+ bytes "/boot/user/badptr"$' \
    --expect '^  hello$' --expect '^argv\[1\] = from-grub$' \
    --expect '^pid 1 \(hello\) exited with status 0$' --expect '^powering off'
