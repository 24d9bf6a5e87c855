#include "kernel/ktest.h"

#include <stdarg.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/fmt.h"
#include "kernel/power.h"
#include "kernel/process.h"

#define KTEST_NAME(name) #name,
const char *const ktest_names[] = {KTEST_LIST(KTEST_NAME) NULL};
#undef KTEST_NAME

#define KTEST_FN(name) ktest_##name,
static void (*const ktest_fns[])(void) = {KTEST_LIST(KTEST_FN)};
#undef KTEST_FN

static int passed, failed;

bool ktest_check(bool ok, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
    kprintf("%s %d - %s\n", ok ? "ok" : "not ok", passed + failed, msg);
    return ok;
}

void ktest_expect_panic(const char *what)
{
    kprintf("ktest: expecting a panic: %s\n", what);
}

void ktest_run(const char *name)
{
    for (int i = 0; ktest_names[i]; i++) {
        if (strcmp(name, ktest_names[i]) != 0)
            continue;
        kprintf("ktest: running '%s'\n", name);
        ktest_fns[i]();
        process_memcheck(); /* every scenario ends with the invariants checked */
        kprintf("ktest: '%s' done: %d ok, %d not ok\n", name, passed, failed);
        power_exit(failed || !passed ? POWEROFF_FAIL : POWEROFF_OK);
    }
    /* params_init() only accepts known names, so this is a kernel bug. */
    kprintf("ktest: no scenario '%s'\n", name);
    power_exit(POWEROFF_FAIL);
}
