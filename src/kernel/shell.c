/* A line-based shell on COM1: type `help`. Input is echoed, backspace edits
 * the line, and commands piped into `make run` work the same as typed ones. */
#include "kernel/shell.h"

#include <stdint.h>
#include <string.h>

#include "interrupts/irq.h"
#include "interrupts/pit.h"
#include "kernel/console.h"
#include "kernel/multiboot.h"
#include "kernel/power.h"
#include "kernel/serial.h"

#define LINE_MAX 128
#define MAX_ARGS 8

struct command {
    const char *name;
    const char *help;
    void (*run)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);

static void cmd_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t t = pit_ticks();
    kprintf("up %llu.%02llu s (%llu ticks at %u Hz), %u spurious IRQs\n", t / PIT_HZ,
            t % PIT_HZ * 100 / PIT_HZ, t, PIT_HZ, irq_spurious_count());
}

static void cmd_bootinfo(int argc, char **argv)
{
    (void)argc, (void)argv;
    multiboot_print();
}

static void cmd_poweroff(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("powering off\n");
    power_exit(POWEROFF_OK);
}

static const struct command commands[] = {
    {"help", "list the commands", cmd_help},
    {"uptime", "time since boot and timer ticks", cmd_uptime},
    {"bootinfo", "the memory map, command line and modules from the boot loader", cmd_bootinfo},
    {"poweroff", "turn the machine off (leaves QEMU and Bochs)", cmd_poweroff},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (unsigned i = 0; i < NCOMMANDS; i++)
        kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
}

static void read_line(char *buf)
{
    int len = 0;
    for (;;) {
        char c = serial_getc();
        if (c == '\r' || c == '\n') {
            kprintf("\n");
            buf[len] = '\0';
            return;
        }
        if (c == '\b' || c == 0x7F) { /* backspace or DEL, as terminals send */
            if (len > 0) {
                len--;
                kprintf("\b \b");
            }
            continue;
        }
        if (c >= ' ' && c < 0x7F && len < LINE_MAX - 1) {
            buf[len++] = c;
            kprintf("%c", c);
        }
    }
}

/* Splits line in place at spaces into argv; returns argc. */
static int split(char *line, char **argv)
{
    int argc = 0;
    for (char *p = line; *p && argc < MAX_ARGS;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return argc;
}

void shell_run(void)
{
    char line[LINE_MAX];
    char *argv[MAX_ARGS];
    kprintf("Type 'help' for the commands.\n");
    for (;;) {
        kprintf("pagoda> ");
        read_line(line);
        int argc = split(line, argv);
        if (argc == 0)
            continue;
        unsigned i;
        for (i = 0; i < NCOMMANDS; i++) {
            if (strcmp(argv[0], commands[i].name) == 0) {
                commands[i].run(argc, argv);
                break;
            }
        }
        if (i == NCOMMANDS)
            kprintf("%s: no such command (try 'help')\n", argv[0]);
    }
}
