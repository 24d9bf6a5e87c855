# Kernel test scenarios, read by tests/kernel/run.sh. Each boots the kernel in
# QEMU with a command line and checks what it prints on COM1 and how it exits.

# A clean boot by QEMU's Multiboot loader: the in-kernel checks of what boot
# set up, serial input included (the harness types "ping").
scenario boot-kernel --boot kernel --args "test=boot" --input "ping" \
    --qemu "-initrd tests/kernel/module.txt" \
    --expect '^boot loader: qemu' \
    --expect '^command line: ".*kernel.elf test=boot"' \
    --expect '^  \[ 0\] 0x0000000000000000-0x000000000009fbff len 0x0000009fc00 +0\.62 MiB  available \(1\)' \
    --expect '^modules: 1' \
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
    --expect "^cmdline: 'frobnicate=1': unknown option \(known options: test= break=\)" \
    --expect "^cmdline: 'break=nowhere': value not allowed \(break= takes: gdt\)" \
    --expect "^cmdline: 'loose': not in key=value form" \
    --expect "^ktest: 'multiboot' done"
scenario cmdline-bad-test --boot iso --args "test=nosuchtest" --input "poweroff" --timeout 60 \
    --expect "^cmdline: 'test=nosuchtest': value not allowed \(test= takes: boot, multiboot, " \
    --expect '^powering off'

# Deliberate CPU exceptions: each must give the named panic report.
panic_report=(--expect '^  eax=[0-9a-f]{8} ebx=[0-9a-f]{8} ecx=[0-9a-f]{8} edx=[0-9a-f]{8}'
    --expect '^  eip=c01[0-9a-f]{5} eflags=[0-9a-f]{8} cs=0008'
    --expect '^  cr0=80010011 cr2=[0-9a-f]{8} cr3=[0-9a-f]{8} cr4=[0-9a-f]{8}'
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
