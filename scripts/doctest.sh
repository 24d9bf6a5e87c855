#!/usr/bin/env bash
# `make doctest`: the chapters' "Try it" and "In Bochs" blocks, run as tests.
#   scripts/doctest.sh [FILE.md...]     (default: README.md and docs/*.md)
# Each block marked with a `<!-- doctest ... -->` line is run: its kernel
# is booted in QEMU or Bochs, the commands it shows are typed, and the
# output it shows is compared with what the kernel really printed. One line
# per block: PASS doc/CHAPTER#N, FAIL doc/CHAPTER#N (with a diff), or
# SKIP doc/CHAPTER#N (reason) for a block marked as not run; then the
# self-test of tests/doctest/ (one PASS or FAIL line). The markup is
# described in docs/00-overview.md, "How the chapters are tested".
# Environment: TOOLCHAIN (clang|gcc), RESULTS (file to append PASS/FAIL
# lines), JOBS (blocks run at once, default 2), DOCTEST_LABEL (the results'
# prefix, default doc). Work files: build/doctest/.
set -uo pipefail
shopt -s extglob
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=$top/build/${TOOLCHAIN:-clang}
kernel=$build/kernel.elf
results=${RESULTS:-/dev/null}
jobs=${JOBS:-2}
label=${DOCTEST_LABEL:-doc}
work=$top/build/doctest${DOCTEST_WORK:+/$DOCTEST_WORK}
qemu_timeout=60   # seconds for one QEMU boot and its commands
bochs_timeout=90  # seconds for one Bochs boot and its debugger commands

# What the kernel prints when it waits for a line: the shell's prompt, and
# test=boot's request for input. Bochs's debugger prompt is <bochs:N>.
kernel_prompt='^(pagoda>( |$)|ktest: type a line: )'
bochs_prompt='^<bochs:[0-9]+> '
# A placeholder: <name> stands for a value that differs from run to run.
placeholder='<[A-Za-z][A-Za-z0-9_]*>'
# What a placeholder matches: one word, with no blank and none of
# , ; : ( ) [ ] < > = or quotes in it.
value_re='[^][[:space:],;:()"'\''<>=]+'

# ---------------------------------------------------------------------------
# Reading the Markdown into plans
#
# A plan is a file of tab-separated steps, one per line: TYPE, the line of
# the Markdown file it comes from, then its text.
#   boot  LINE EMU MEM ARGS EXTRA  a new boot: EMU is iso, kernel or bochs
#   cmd   LINE TEXT   a line typed at the kernel's or Bochs's prompt
#   out   LINE TEXT   a line of output the last cmd (or the boot) must print
#   quote LINE TEXT   text the last cmd (or the boot) must print somewhere
#   serial LINE TEXT  a line of the kernel's serial log (an excerpt, in order)
#   ctrlc LINE        Ctrl-C, typed while the last cmd runs
#   host  LINE TEXT   a host command: run if it is quick (runs_on_host), else
#                     checked that what it names exists
# ---------------------------------------------------------------------------

# split_words STRING: the words of a shell command line, one per line, with
# quotes removed (xargs knows sh's quoting well enough for these lines).
split_words() { xargs -n1 printf '%s\n' <<< "$1" 2> /dev/null; }

# strip_comment LINE: sets $code to the line without a trailing
# "  # comment" (a '#' after white space, outside quotes), and $comment to
# that comment. (Variables, not output: this runs for every line.)
strip_comment() {
    local s=$1 out="" q="" c i
    comment=""
    if [[ $s != *\#* ]]; then
        code=${s%"${s##*[![:space:]]}"}
        return
    fi
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [ -n "$q" ]; then
            [ "$c" = "$q" ] && q=""
        elif [ "$c" = "'" ] || [ "$c" = '"' ]; then
            q=$c
        elif [ "$c" = "#" ] && { [ $i -eq 0 ] || [[ ${s:i-1:1} == [[:space:]] ]]; }; then
            comment=${s:i}
            break
        fi
        out+=$c
    done
    code=${out%"${out##*[![:space:]]}"}
}

# comment_quotes LINE: each "quoted" text in the line's comment, one a line.
comment_quotes() {
    local code comment rest
    strip_comment "$1"
    rest=$comment
    while [[ $rest =~ \"([^\"]+)\" ]]; do
        printf '%s\n' "${BASH_REMATCH[1]}"
        rest=${rest#*"${BASH_REMATCH[0]}"}
    done
}

# boot_step DOCLINE HOSTLINE: if HOSTLINE boots the kernel (make run, make
# bochs, scripts/run-qemu.sh, maybe fed by printf), print its boot step and
# a cmd step for each line printf types; else return 1.
boot_step() {
    local n=$1 line=$2 feed="" cmd=$2
    if [[ $line == printf\ *\|* ]]; then
        feed=${line%%|*}
        cmd=${line#*|}
    fi
    local words=() w emu="" mem=128 args="" extra=""
    mapfile -t words < <(split_words "$cmd")
    local i=0
    # Leading VAR=value words, and the timeout and flock wrappers.
    while [ $i -lt ${#words[@]} ]; do
        w=${words[i]}
        case $w in
        MEM=*) mem=${w#MEM=} ;;
        QEMU_EXTRA=*) extra=${w#QEMU_EXTRA=} ;;
        [A-Z]*=*) ;;
        timeout) i=$((i + 1)) ;;
        flock) i=$((i + 1)) ;;
        *) break ;;
        esac
        i=$((i + 1))
    done
    case "${words[i]:-} ${words[i + 1]:-}" in
    "make run") emu=iso ;;
    "make bochs") emu=bochs ;;
    scripts/run-qemu.sh*) emu=iso; i=$((i - 1)) ;;
    *) return 1 ;;
    esac
    for w in "${words[@]:i+2}"; do
        case $w in
        ARGS=*) args=${w#ARGS=} ;;
        MEM=*) mem=${w#MEM=} ;;
        QEMU_EXTRA=*) extra=${w#QEMU_EXTRA=} ;;
        --kernel) emu=kernel ;;
        --iso) emu=iso ;;
        -*) ;;
        *) [ "$emu" != bochs ] && args=$w ;;
        esac
    done
    printf 'boot\t%s\t%s\t%s\t%s\t%s\n' "$n" "$emu" "$mem" "$args" "$extra"
    if [ -n "$feed" ]; then
        local typed
        typed=$(split_words "${feed#printf }" | head -1)
        typed=${typed%\\n}
        local IFS=$'\n' t
        for t in ${typed//\\n/$'\n'}; do printf 'cmd\t%s\t%s\n' "$n" "$t"; done
    fi
}

# host_or_boot DOCLINE LINE: the steps of a host command line.
host_or_boot() {
    boot_step "$1" "$2" || printf 'host\t%s\t%s\n' "$1" "$2"
}

# block_steps KIND FIRSTLINE < BLOCK: the steps of one fenced block.
# KIND shell (a ```sh block): every line is a command; console: lines with a prompt ($,
# pagoda>, <bochs:N>) are commands and the others their output; serial:
# every line is a line of the serial log.
block_steps() {
    local kind=$1 n=$(($2 - 1)) line code comment q
    while IFS= read -r line; do
        n=$((n + 1))
        if [ "$kind" = serial ]; then
            printf 'serial\t%s\t%s\n' "$n" "$line"
            continue
        fi
        strip_comment "$line"
        if [ "$kind" = shell ]; then
            [ -z "$code" ] && continue
            code=${code#\$ }
        fi
        if [[ $code =~ $kernel_prompt ]]; then
            printf 'cmd\t%s\t%s\n' "$n" "${code#"${BASH_REMATCH[0]}"}"
        elif [[ $code =~ $bochs_prompt ]]; then
            printf 'cmd\t%s\t%s\n' "$n" "${code#"${BASH_REMATCH[0]}"}"
        elif [ "$code" = "^C" ]; then
            printf 'ctrlc\t%s\n' "$n"
            # In a transcript the kernel's "^C" is output too.
            [ "$kind" = console ] && printf 'out\t%s\t^C\n' "$n"
        elif [ "$kind" = shell ] || [[ $code == \$\ * ]]; then
            # A boot's quotes go right after it: they are about its whole
            # log. A host command that is not run has none.
            local steps first
            steps=$(host_or_boot "$n" "${code#\$ }")
            first=${steps%%$'\n'*}
            printf '%s\n' "$first"
            if [[ $first == boot* ]]; then
                while IFS= read -r q; do printf 'quote\t%s\t%s\n' "$n" "$q"; done < <(comment_quotes "$line")
            fi
            [ "$steps" != "$first" ] && printf '%s\n' "${steps#*$'\n'}"
            continue
        else
            printf 'out\t%s\t%s\n' "$n" "$line"
            continue
        fi
        [[ $comment == *\"* ]] || continue
        while IFS= read -r q; do
            [ -n "$q" ] && printf 'quote\t%s\t%s\n' "$n" "$q"
        done < <(comment_quotes "$line")
    done
}

# parse_doc FILE: writes a plan per doctest unit to $work/plans/, and lists
# the units in $work/units (id, file, line, plan or "skip REASON").
# Fenced blocks in a "Try it" or "In Bochs" section must be marked.
parse_doc() {
    local file=$1 slug n=0 lineno=0 line marker="" section="" in_fence=0
    local fence="" kind="" start=0 body="" plan=""
    slug=$(basename "$file" .md)
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        if [ $in_fence -eq 1 ]; then
            if [[ $line == "$fence" ]]; then
                in_fence=0
                [ -n "$kind" ] && block_steps "$kind" "$start" <<< "${body%$'\n'}" >> "$plan"
                kind=""
            else
                body+=$line$'\n'
            fi
            continue
        fi
        if [[ $line =~ ^\<!--\ doctest(:\ *(.*[^ ]))?\ *--\>$ ]]; then
            marker="doctest ${BASH_REMATCH[2]}"
            continue
        fi
        [[ $line == "## "* ]] && section=${line#"## "}
        if [[ $line =~ ^(\`\`\`+)(.*)$ ]]; then
            in_fence=1 fence=${BASH_REMATCH[1]} body="" start=$((lineno + 1)) kind=""
            local info=${BASH_REMATCH[2]} opts=${marker#doctest }
            marker=${marker:+set}
            if [ -z "$marker" ]; then
                case $section in
                "Try it"* | "In Bochs"* | "Inspect it in Bochs"*)
                    n=$((n + 1))
                    printf '%s#%d\t%s\t%d\tunmarked\n' "$slug" $n "$file" "$lineno" >> "$work/units"
                    ;;
                esac
                continue
            fi
            marker=""
            case $opts in
            skip*)
                n=$((n + 1))
                printf '%s#%d\t%s\t%d\tskip %s\n' "$slug" $n "$file" "$lineno" "${opts#skip}" >> "$work/units"
                continue
                ;;
            continued | serial)
                if [ -z "$plan" ]; then
                    n=$((n + 1))
                    printf '%s#%d\t%s\t%d\tunmarked\n' "$slug" $n "$file" "$lineno" >> "$work/units"
                    continue
                fi
                ;;
            *)
                n=$((n + 1))
                plan=$work/plans/$slug.$n
                : > "$plan"
                printf '%s#%d\t%s\t%d\t%s\n' "$slug" $n "$file" "$lineno" "$plan" >> "$work/units"
                if [ -n "$opts" ]; then
                    host_or_boot "$((lineno - 1))" "$opts" >> "$plan"
                fi
                ;;
            esac
            case $opts in
            serial) kind=serial ;;
            *) kind=console; [[ $info == sh* ]] && kind=shell ;;
            esac
        fi
    done < "$file"
}

# ---------------------------------------------------------------------------
# Matching output
# ---------------------------------------------------------------------------

declare -A cap   # the value each placeholder took, by name

# squeeze: white space in runs compared as one blank; none at the ends.
squeeze() { sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//'; }

# squeeze_line LINE: the same for one line, into $squeezed.
squeeze_line() {
    squeezed=${1//+([[:space:]])/ }
    squeezed=${squeezed# }
    squeezed=${squeezed% }
}

# regex_line LINE: an expected line as a regex, into $regex (placeholders
# left as <name>, "..." or "…" inside a line as ".*").
regex_line() {
    local escaped
    squeeze_line "$1"
    re_escape "$squeezed"
    regex=${escaped//\\.\\.\\./.*}
    regex=${regex//…/.*}
}

# re_escape STRING: sets $escaped to STRING as a literal regex.
re_escape() {
    local c
    escaped=${1//\\/\\\\}
    for c in '[' ']' '.' '*' '^' '$' '+' '?' '(' ')' '{' '}' '|' '/'; do
        escaped=${escaped//"$c"/\\$c}
    done
}

# line_matches REGEX ACTUAL: does the actual line match the expected one?
# Placeholders already seen must have the same value; new ones are recorded.
line_matches() {
    local re=$1 actual=$2 names=() name out="" rest=$1
    while [[ $rest =~ $placeholder ]]; do
        name=${BASH_REMATCH[0]}
        out+=${rest%%"$name"*}
        rest=${rest#*"$name"}
        name=${name:1:-1}
        if [ -n "${cap[$name]+set}" ]; then
            re_escape "${cap[$name]}"
            out+=$escaped
        else
            out+="($value_re)"
            names+=("$name")
        fi
    done
    out+=$rest
    [[ $actual =~ ^${out}$ ]] || return 1
    local i v
    for i in "${!names[@]}"; do
        v=${BASH_REMATCH[i + 1]}
        name=${names[i]}
        if [ -n "${cap[$name]+set}" ] && [ "${cap[$name]}" != "$v" ]; then return 1; fi
        cap[$name]=$v
    done
    return 0
}

# match_seq PI AI: do expected lines P[PI..] match actual lines A[AI..]? A
# "..." line matches any number of lines. Sets best_pi/best_ai to the
# furthest point reached, for the report. Captures of a failed try are
# undone.
match_seq() {
    local pi=$1 ai=$2
    if [ "$pi" -gt "$best_pi" ] || { [ "$pi" -eq "$best_pi" ] && [ "$ai" -gt "$best_ai" ]; }; then
        best_pi=$pi best_ai=$ai
    fi
    [ "$pi" -ge ${#P[@]} ] && { [ "$ai" -ge ${#A[@]} ]; return; }
    if [ "${P[pi]}" = '\.\.\.' ] || [ "${P[pi]}" = '.*' ]; then
        local a k
        local -A saved=()
        for k in "${!cap[@]}"; do saved[$k]=${cap[$k]}; done
        for ((a = ai; a <= ${#A[@]}; a++)); do
            match_seq $((pi + 1)) "$a" && return 0
            cap=()
            for k in "${!saved[@]}"; do cap[$k]=${saved[$k]}; done
        done
        return 1
    fi
    [ "$ai" -lt ${#A[@]} ] && line_matches "${P[pi]}" "${A[ai]}" && match_seq $((pi + 1)) $((ai + 1))
}

# match_block EXPECTED ACTUAL MODE: compare two files of lines. MODE strict:
# the whole output, line by line; excerpt: the lines somewhere in the
# output, in order; contains: each expected text within some line.
# On a mismatch, prints what was expected and what came instead.
match_block() {
    local exp=$1 act=$2 mode=$3
    local raw_lines line squeezed regex
    mapfile -t raw_lines < "$exp"
    P=()
    for line in "${raw_lines[@]}"; do regex_line "$line"; P+=("$regex"); done
    mapfile -t raw_lines < "$act"
    A=()
    for line in "${raw_lines[@]}"; do squeeze_line "$line"; A+=("$squeezed"); done
    if [ "$mode" = contains ]; then
        local raw i a ok
        mapfile -t raw < "$exp"
        for i in "${!P[@]}"; do
            ok=1
            for a in "${A[@]}"; do
                line_matches ".*${P[i]}.*" "$a" && { ok=0; break; }
            done
            [ $ok -eq 0 ] || { echo "no output line contains \"${raw[i]}\""; return 1; }
        done
        return 0
    fi
    [ "$mode" = excerpt ] && P=('\.\.\.' "${P[@]}" '\.\.\.')
    best_pi=0 best_ai=0
    match_seq 0 0 && return 0
    return 1
}

# ---------------------------------------------------------------------------
# Running a plan
# ---------------------------------------------------------------------------

# segments LOG PROMPT DIR: splits a transcript at its prompts: DIR/0 is what
# came before the first prompt, DIR/K what command K printed.
segments() {
    local log=$1 re=$2 dir=$3
    rm -rf "$dir"
    mkdir -p "$dir"
    tr -d '\r' < "$log" | awk -v dir="$dir" -v re="$re" '
        BEGIN { n = 0; f = dir "/0"; printf "" > f }
        $0 ~ re { close(f); n++; f = dir "/" n; printf "" > f; next }
        /^\[bochs\]:$/ { next }
        { print > f }'
}

# session_steps PLAN S: the steps of the S-th boot of a plan (from 1),
# without the boot line.
session_steps() {
    awk -F'\t' -v s="$2" '$1 == "boot" { n++; next } n == s && $1 != "host"' "$1"
}

# check_session STEPS LOG SERIAL EMU UPTO: compares what a session printed
# with what its steps expect, up to (not including) command number UPTO
# (0: all). Prints a report of each difference; returns 1 if there is one.
check_session() {
    local steps=$1 log=$2 serial=$3 emu=$4 upto=${5:-0} dir=$2.seg
    local prompt=$kernel_prompt
    [ "$emu" = bochs ] && prompt=$bochs_prompt
    segments "$log" "$prompt" "$dir"
    local k=0 type n text failed=0
    local exp=$dir/exp quotes=$dir/quotes serial_exp=$dir/serial
    : > "$exp"; : > "$quotes"; : > "$serial_exp"
    local first_line=0 cmd_text=()
    # Checks the expectations gathered for segment K (0: the boot).
    flush() {
        local seg=$dir/$k what="the boot"
        [ "$k" -gt 0 ] && what="'${cmd_text[k]}' (${doc}:$first_line)"
        [ -f "$seg" ] || seg=/dev/null
        if [ -s "$exp" ] && ! match_block "$exp" "$seg" strict > /dev/null; then
            echo "output of $what differs:"
            diff_report "$exp" "$seg"
            failed=1
        fi
        if [ -s "$quotes" ]; then
            # A quote on the boot line may be anywhere in the log.
            local where=$seg
            [ "$k" -eq 0 ] && where=$log.clean
            # Not in $(...): the values it captures must stay.
            if ! match_block "$quotes" "$where" contains > "$dir/why"; then
                echo "$what: $(cat "$dir/why")"
                failed=1
            fi
        fi
        # The kernel shell's and Bochs's ways of refusing a command.
        local refused=': no such command |^usage: |: no process [0-9]|^run: cannot start |is not a job the shell|cannot be killed|syntax error|^Error'
        if [ "$k" -gt 0 ]; then
            local out_lines l
            mapfile -t out_lines < "$seg"
            for l in "${out_lines[@]}"; do
                [[ $l =~ $refused ]] || continue
                echo "$what was refused: $l"
                failed=1
                break
            done
        fi
        : > "$exp"; : > "$quotes"
    }
    tr -d '\r' < "$log" > "$log.clean"
    if [ "$upto" -eq 0 ] && grep -E "${prompt}.*$placeholder" "$log.clean" > "$dir/unfilled"; then
        echo "typed before the value it needs was printed: $(head -1 "$dir/unfilled")"
        failed=1
    fi
    # The serial excerpts first: commands may use the values they show.
    awk '/^serial\t/ { sub(/^[^\t]*\t[^\t]*\t/, ""); print }' "$steps" > "$serial_exp"
    if [ -s "$serial_exp" ]; then
        local slog=$serial
        [ "$emu" != bochs ] && slog=$log.clean
        tr -d '\r' < "$slog" > "$dir/serial.log" 2> /dev/null
        if [ "$upto" -gt 0 ]; then
            # While the session runs, the log may hold only the first lines
            # so far: the values they show are all a command can use.
            local lines
            for ((lines = $(wc -l < "$serial_exp"); lines > 0; lines--)); do
                head -n $lines "$serial_exp" > "$serial_exp.part"
                match_block "$serial_exp.part" "$dir/serial.log" excerpt > /dev/null && break
            done
        elif ! match_block "$serial_exp" "$dir/serial.log" excerpt > /dev/null; then
            echo "the serial log does not show these lines in this order:"
            diff_report "$serial_exp" "$dir/serial.log" excerpt
            failed=1
        fi
    fi
    while IFS=$'\t' read -r type n text; do
        case $type in
        cmd)
            flush
            k=$((k + 1))
            [ "$upto" -gt 0 ] && [ "$k" -ge "$upto" ] && return $failed
            first_line=$n
            cmd_text[k]=$text
            ;;
        out) printf '%s\n' "$text" >> "$exp" ;;
        quote) printf '%s\n' "$text" >> "$quotes" ;;
        esac
    done < "$steps"
    flush
    return $failed
}

# diff_report EXPECTED ACTUAL [excerpt]: the first expected line that did not
# match, then a diff of the expected lines against the output.
diff_report() {
    local line
    line=$(sed -n "$((best_pi + 1))p" "$1")
    [ "${3:-}" = excerpt ] && line=$(sed -n "${best_pi}p" "$1")
    [ -n "$line" ] && echo "  first difference at: $line"
    diff -u --label expected --label got <(squeeze < "$1") <(squeeze < "$2" | head -60) |
        tail -n +3 | head -40 | sed 's/^/  /'
}

# substitute TEXT: TEXT with each <name> replaced by the value it took.
substitute() {
    local s=$1 name
    while [[ $s =~ $placeholder ]]; do
        name=${BASH_REMATCH[0]}
        [ -n "${cap[${name:1:-1}]+set}" ] || break
        s=${s//"$name"/${cap[${name:1:-1}]}}
    done
    printf '%s' "$s"
}

# feeder STEPS LOG SERIAL EMU PID DEADLINE: types the session's commands,
# each one once the emulator shows a prompt for it, as a person would; then
# poweroff (or q). Values shown as <name> are filled in from the output.
feeder() {
    local log=$1 serial=$2 emu=$3 pid=$4 deadline=$5
    shift 5
    local prompt=$kernel_prompt last="" k=0 type n text steps j off=0 members=$#
    [ "$emu" = bochs ] && prompt=$bochs_prompt
    # The log is read as it grows, with builtins only: this loop runs for
    # the whole boot, and on a small machine a process started ten times
    # a second costs a good part of a core.
    local logfd prompts=0 partial="" counted=0 line
    while [ ! -e "$log" ]; do tick 0.1; done
    exec {logfd}< "$log"
    # wait_prompt K: until the K-th prompt is there (or the emulator ended).
    wait_prompt() {
        while [ $prompts -lt "$1" ]; do
            if IFS= read -r line <&"$logfd"; then
                line=$partial$line
                [ $counted -eq 0 ] && [[ $line =~ $prompt ]] && prompts=$((prompts + 1))
                partial="" counted=0
                continue
            fi
            # The end of the log so far; a prompt has no newline after it.
            partial+=$line
            if [ $counted -eq 0 ] && [[ $partial =~ $prompt ]]; then
                prompts=$((prompts + 1)) counted=1
                continue
            fi
            kill -0 "$pid" 2> /dev/null || return 1
            [ $SECONDS -lt "$deadline" ] || return 1
            tick 0.1
        done
    }
    # Several steps files share one Bochs boot: each one's first command,
    # the `c` to the break point, is typed once for all.
    for steps; do
        j=0
        while IFS=$'\t' read -r type n text; do
            case $type in
            cmd)
                j=$((j + 1))
                [ $j -eq 1 ] && [ $k -gt 0 ] && continue
                k=$((k + 1))
                wait_prompt $k || return 0
                if [[ $text =~ $placeholder ]]; then
                    cap=()
                    local seen=$log
                    [ "$members" -gt 1 ] && { member_log "$log" $off 999 > "$log.$off"; seen=$log.$off; }
                    check_session "$steps" "$seen" "$serial" "$emu" $j > /dev/null 2>&1
                    text=$(substitute "$text")
                fi
                printf '%s\n' "$text"
                last=$text
                ;;
            ctrlc)
                tick 1
                printf '\003'
                ;;
            esac
        done < "$steps"
        off=$((k - 1))
    done
    case $last in poweroff | q) return 0 ;; esac
    wait_prompt $((k + 1)) || return 0
    if [ "$emu" = bochs ]; then printf 'q\n'; else printf 'poweroff\n'; fi
    # Keep the input open until the emulator has ended.
    while kill -0 "$pid" 2> /dev/null && [ $SECONDS -lt "$deadline" ]; do tick 0.1; done
}

# member_log LOG OFF N: the part of a shared Bochs transcript that belongs to
# one block: what came before the second prompt (the boot and its `c`),
# then the N-1 commands after the OFF commands of the blocks before it.
member_log() {
    tr -d '\r' < "$1" | awk -v re="$bochs_prompt" -v a=$(($2 + 2)) -v b=$(($2 + $3 + 1)) \
        '$0 ~ re { p++ } p < 2 || (p >= a && p < b)'
}

# tick SECONDS: sleeps without starting a process (a read that times out on
# a pipe nobody writes to).
tick() {
    [ -n "${tick_fd:-}" ] || { local p=$work/tick.$BASHPID; mkfifo "$p"; exec {tick_fd}<> "$p"; rm -f "$p"; }
    read -r -t "$1" -u "$tick_fd" _ || true
}

# iso_for ARGS: the path of a GRUB ISO with this kernel command line, made
# once for all the boots that use it (as make run and make bochs make theirs).
iso_for() {
    local iso
    iso=$work/iso/$(printf '%s' "$1" | md5sum | cut -c1-12).iso
    (
        flock 9
        [ -s "$iso" ] || "$top/scripts/mkiso.sh" "$kernel" "$iso" "$1" >&2
    ) 9> "$iso.lock" || return 1
    echo "$iso"
}

# run_qemu DIR EMU MEM ARGS EXTRA: boots as make run (EMU iso) or
# scripts/run-qemu.sh --kernel (EMU kernel) would, with the commands of
# DIR/steps typed in; the serial log goes to DIR/log. Prints the exit status.
run_qemu() {
    local dir=$1 emu=$2 mem=$3 args=$4 extra=$5 boot=()
    if [ "$emu" = iso ]; then
        local iso
        iso=$(iso_for "$args") || { echo mkiso; return; }
        boot=(-cdrom "$iso" -boot d)
    else
        boot=(-kernel "$kernel" -append "$args")
        local mods
        mods=$(find "$build/user" -maxdepth 1 -type f | sort | paste -sd, -)
        [ -n "$mods" ] && boot+=(-initrd "$mods")
    fi
    # A copy of the disk make run attaches: a doctest never changes it, and
    # two can run at once. (A copy costs less than snapshot=on's overlay,
    # through which every swap write would go.)
    cp --sparse=always "$top/build/disks/run.img" "$dir/disk.img"
    boot+=(-drive "file=$dir/disk.img,format=raw,if=ide,index=0")
    mkfifo "$dir/in"
    # shellcheck disable=SC2086
    timeout $qemu_timeout qemu-system-i386 "${boot[@]}" -m "$mem" -display none -serial stdio \
        -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 $extra \
        < "$dir/in" > "$dir/log" 2>&1 &
    local pid=$!
    feeder "$dir/log" /dev/null "$emu" $pid $((SECONDS + qemu_timeout)) "$dir/steps" > "$dir/in" &
    local fpid=$!
    wait $pid
    local status=$?
    kill $fpid 2> /dev/null
    wait $fpid 2> /dev/null
    rm -f "$dir/disk.img"
    echo $status
}

# run_bochs DIR ARGS [STEPS...]: boots the ISO in Bochs as make bochs does
# (with a first `c` when ARGS has a break=), types the debugger commands of
# DIR/steps (or of each STEPS file in turn); the debugger's transcript goes
# to DIR/log, the serial log to DIR/serial. Prints 0, or 124 if Bochs ran
# out of time.
run_bochs() {
    local dir=$1 args=$2
    shift 2
    [ $# -gt 0 ] || set -- "$dir/steps"
    local iso
    iso=$(iso_for "$args") || { echo mkiso; return; }
    # Bochs locks its disk image: each run has a copy of its own.
    cp --sparse=always "$top/build/disks/run.img" "$dir/disk.img"
    mkfifo "$dir/in"
    # As in scripts/bochs-inspect.sh: setsid gives Bochs a process group of
    # its own, killed whole at the deadline.
    PAGODA_ISO=$iso PAGODA_DISK=$dir/disk.img PAGODA_SERIAL=$dir/serial \
        PAGODA_BOCHS_LOG=$dir/bochs.log setsid bochs-bin -q -f bochsrc \
        < "$dir/in" > "$dir/log" 2>&1 &
    local pid=$! deadline=$((SECONDS + bochs_timeout))
    feeder "$dir/log" "$dir/serial" bochs $pid $deadline "$@" > "$dir/in" &
    local fpid=$! status=0
    while kill -0 $pid 2> /dev/null; do
        [ $SECONDS -lt $deadline ] || { status=124; break; }
        tick 0.1
    done
    kill -KILL -- "-$pid" 2> /dev/null
    wait $pid 2> /dev/null
    kill $fpid 2> /dev/null
    wait $fpid 2> /dev/null
    rm -f "$dir/disk.img"
    echo $status
}

# check_host TEXT: a host command the runner does not run: the make targets,
# scripts, programs and kernel scenarios it names must exist.
check_host() {
    local part words w
    local IFS=$'\n'
    for part in $(sed -E 's/ *(\|\||&&|\|) */\n/g' <<< "$1"); do
        unset IFS
        mapfile -t words < <(split_words "$part")
        while [[ ${words[0]:-} == [A-Z]*=* ]]; do words=("${words[@]:1}"); done
        case ${words[0]:-} in
        "") ;;
        make)
            for w in "${words[@]:1}"; do
                [[ $w == -* || $w == *=* ]] && continue
                make -n -s --no-print-directory "$w" 2>&1 | grep -q 'No rule to make target' &&
                    echo "make has no target $w"
            done
            ;;
        tests/kernel/run.sh)
            grep -qE "^scenario [^ ]*${words[1]:-}" tests/kernel/scenarios.sh ||
                echo "no kernel scenario's name contains '${words[1]:-}'"
            ;;
        build/*)
            [ -x "${words[0]}" ] || make -n -s --no-print-directory "${words[0]}" > /dev/null 2>&1 ||
                echo "make cannot build ${words[0]}"
            ;;
        */*) [ -x "${words[0]}" ] || echo "${words[0]} is not there" ;;
        echo) ;;
        *) command -v "${words[0]}" > /dev/null || echo "no program ${words[0]} on this machine" ;;
        esac
    done
}

# runs_on_host TEXT: is this a host command the runner runs? Only quick ones
# that touch nothing but their own files: making and reading a disk image,
# reading the kernel's ELF headers. The others (make test, make bench, ...)
# are stages of make test or take minutes.
runs_on_host() {
    local first
    first=$(split_words "$1" | head -1)
    case $first in
    scripts/mkdisk.sh | /sbin/sfdisk | xxd | readelf | grub-file) return 0 ;;
    *) return 1 ;;
    esac
}

# Blocks that boot Bochs to the same break point and only look (no `c`, no
# step, no breakpoint) share one boot: their commands are typed one block
# after the other. A Bochs boot costs about five seconds of a core.
#
# plan_shares PLAN: is this such a block? Prints its key (the ARGS).
plan_shares() {
    awk -F'\t' '
        $1 == "boot" { boots++; if ($3 != "bochs" || $5 !~ /(^| )break=/) bad = 1; args = $5 }
        $1 == "host" || $1 == "ctrlc" { bad = 1 }
        $1 == "cmd" { split($3, w, " "); if (w[1] ~ /^(c|cont|continue|s|step|n|next|lb|vb|pb|b|q|quit)$/) bad = 1 }
        END { if (boots == 1 && !bad) print args; else exit 1 }' "$1"
}

# share_boots: groups the blocks that can share a boot. For each member,
# $work/shared/ID names its group's file, which lists "ID OFFSET COUNT
# STEPS": the commands of the blocks before it, and its own (with the `c`).
share_boots() {
    local id file line plan key g
    mkdir -p "$work/shared"
    while IFS=$'\t' read -r id file line plan; do
        [ -f "$plan" ] || continue
        key=$(plan_shares "$plan") || continue
        g=$work/shared/group.$(printf '%s' "$key" | md5sum | cut -c1-12)
        printf '%s\t%s\n' "$id" "$plan" >> "$g.list"
    done < "$work/units"
    for g in "$work"/shared/group.*.list; do
        [ -f "$g" ] || continue
        [ "$(wc -l < "$g")" -gt 1 ] || continue
        local off=0 n steps
        while IFS=$'\t' read -r id plan; do
            steps=$work/shared/${id/\#/.}.steps
            printf 'cmd\t0\tc\n' > "$steps"
            session_steps "$plan" 1 >> "$steps"
            n=$(grep -c '^cmd' "$steps")
            printf '%s %s %s %s\n' "$id" "$off" "$n" "$steps" >> "${g%.list}"
            printf '%s\n' "${g%.list}" > "$work/shared/$id"
            off=$((off + n - 1))
        done < "$g"
    done
}

# shared_bochs ID ARGS DIR: the block's part of its group's boot, in
# DIR/log and DIR/serial (the first block to come runs the boot). Prints
# the boot's status.
shared_bochs() {
    local id=$1 args=$2 dir=$3 group off n steps
    group=$(cat "$work/shared/$id")
    (
        flock 9
        if [ ! -f "$group.status" ]; then
            mkdir -p "$group.run"
            local all
            mapfile -t all < <(cut -d' ' -f4 "$group")
            run_bochs "$group.run" "$args" "${all[@]}" > "$group.status"
        fi
    ) 9> "$group.lock"
    read -r _ off n steps <<< "$(grep "^$id " "$group")"
    member_log "$group.run/log" "$off" "$n" > "$dir/log"
    cp "$group.run/serial" "$dir/serial"
    cp "$steps" "$dir/steps"
    cat "$group.status"
}

# scenario_for EMU ARGS STEPS: a boot that only runs an in-kernel test
# (test=NAME), with nothing typed and nothing to check but how it ends, is
# what a kernel scenario of tests/kernel/scenarios.sh does with the same
# command line, and checks in more detail: print that scenario's name and
# leave the boot to it.
scenario_for() {
    [ "$1" != bochs ] && [[ " $2 " == *" test="* ]] && [ ! -s "$3" ] || return 1
    local escaped
    re_escape "$2"
    sed -nE "s/^scenario ([^ ]+) .*--args \"$escaped\".*/\1/p" \
        "$top/tests/kernel/scenarios.sh" | head -1 | grep .
}

# run_unit ID FILE LINE PLAN: runs one block's plan; prints its result line
# and, on failure, the reasons.
run_unit() {
    local id=$1 file=$2 line=$3 plan=$4 doc
    doc=$file
    local dir=$work/runs/${id/\#/.}
    rm -rf "$dir"
    mkdir -p "$dir"
    local why=() s=0 type n rest boots=0 cmds=0 hosts=0 ran=0 left=0 notes=()
    local started=$SECONDS
    while IFS=$'\t' read -r type n rest; do
        case $type in
        host)
            local r
            if runs_on_host "$rest"; then
                ran=$((ran + 1))
                r=$(cd "$top" && timeout 30 bash -c "$rest" 2>&1) ||
                    why+=("$doc:$n: '$rest' failed: $(tail -3 <<< "$r")")
            else
                hosts=$((hosts + 1))
                r=$(check_host "$rest")
                [ -n "$r" ] && why+=("$doc:$n: $r")
            fi
            ;;
        cmd) cmds=$((cmds + 1)) ;;
        boot) boots=$((boots + 1)) ;;
        esac
    done < "$plan"
    while IFS=$'\t' read -r type n emu mem args extra; do
        [ "$type" = boot ] || continue
        s=$((s + 1))
        local sdir=$dir/$s status report
        mkdir -p "$sdir"
        # make bochs with a break= starts the debugger with a `c` (run-bochs.sh).
        if [ "$emu" = bochs ] && [[ " $args " =~ [[:space:]]break= ]]; then
            printf 'cmd\t%s\tc\n' "$n" > "$sdir/steps"
        else
            : > "$sdir/steps"
        fi
        session_steps "$plan" $s >> "$sdir/steps"
        local scenario
        if scenario=$(scenario_for "$emu" "$args" "$sdir/steps"); then
            left=$((left + 1))
            notes+=("$doc:$n: test=${args#*test=} is booted by kernel scenario $scenario")
            continue
        fi
        if [ -f "$work/shared/$id" ]; then
            status=$(shared_bochs "$id" "$args" "$sdir")
            notes+=("$doc:$n: one Bochs boot for the blocks that only look at this stop: $(cut -d' ' -f1 "$(cat "$work/shared/$id")" | paste -sd' ')")
        elif [ "$emu" = bochs ]; then
            status=$(run_bochs "$sdir" "$args")
        else
            status=$(run_qemu "$sdir" "$emu" "$mem" "$args" "$extra")
        fi
        local what="$doc:$n: boot $s ($emu${args:+, $args})"
        case $status in
        0 | 33) ;;
        124) why+=("$what: timed out (log: ${sdir#"$top"/}/log)") ;;
        35) why+=("$what: a kernel test failed (status 35)") ;;
        37) [[ " $args " == *" test="* ]] || why+=("$what: the kernel panicked (status 37)") ;;
        *) why+=("$what: exit status $status") ;;
        esac
        if [ "$emu" = bochs ] && [[ " $args " =~ [[:space:]]break= ]] && ! grep -q 'Magic breakpoint' "$sdir/log"; then
            why+=("$what: Bochs never stopped at the break point")
        fi
        cap=()
        if ! report=$(check_session "$sdir/steps" "$sdir/log" "$sdir/serial" "$emu"); then
            why+=("$what (log: ${sdir#"$top"/}/log):")
            why+=("$report")
        fi
    done < "$plan"
    local summary="$boots boots, $cmds commands, $((SECONDS - started)) s"
    [ "$left" -gt 0 ] && summary+=", $left of them left to the kernel scenarios"
    [ "$ran" -gt 0 ] && summary+=", $ran host commands run"
    [ "$hosts" -gt 0 ] && summary+=", $hosts host commands checked but not run"
    if [ ${#why[@]} -eq 0 ]; then
        echo "PASS $label/$id ($file:$line; $summary)"
        [ ${#notes[@]} -eq 0 ] || printf '     %s\n' "${notes[@]}"
    else
        echo "FAIL $label/$id ($file:$line; $summary)"
        printf '%s\n' "${why[@]}" | sed 's/^/     /'
    fi
}

# self_test: runs the fixtures in tests/doctest/: every block of pass.md
# must pass and every block of fail.md must fail, each for the drift it
# shows. Prints one PASS or FAIL line for the whole.
self_test() {
    local out why=()
    out=$(DOCTEST_LABEL=selftest DOCTEST_WORK=selftest RESULTS=/dev/null JOBS=1 \
        "$top/scripts/doctest.sh" tests/doctest/pass.md tests/doctest/fail.md 2>&1)
    local must_pass must_fail
    must_pass=$(grep -cE '^PASS selftest/pass#' <<< "$out")
    must_fail=$(grep -cE '^FAIL selftest/fail#' <<< "$out")
    grep -E '^(FAIL|SKIP) selftest/pass#|^(PASS|SKIP) selftest/fail#' <<< "$out" > /dev/null &&
        why+=("$(grep -E '^(FAIL|SKIP) selftest/pass#|^(PASS|SKIP) selftest/fail#' <<< "$out")")
    [ "$must_pass" -gt 0 ] && [ "$must_fail" -gt 0 ] || why+=("the fixtures did not run")
    if [ ${#why[@]} -eq 0 ]; then
        echo "PASS $label/self-test (tests/doctest/: $must_pass blocks that must pass passed, $must_fail that must fail failed)"
    else
        echo "FAIL $label/self-test (tests/doctest/; log: build/doctest/selftest.log)"
        printf '%s\n' "${why[@]}" | sed 's/^/     /'
    fi
    printf '%s\n' "$out" > "$top/build/doctest/selftest.log"
}

main() {
    local files=("$@") selftest=0
    # With no files named: the README, every chapter, and the self-test.
    [ ${#files[@]} -gt 0 ] || { files=(README.md docs/[0-9]*.md); selftest=1; }
    [ -f "$kernel" ] || { echo "doctest: $kernel is missing: run 'make kernel user' first"; exit 1; }
    rm -rf "$work"
    mkdir -p "$work/plans" "$work/out" "$work/iso"
    : > "$work/units"
    "$top/scripts/disk-image.sh" > /dev/null || exit 1
    local f
    for f in "${files[@]}"; do parse_doc "$f"; done
    share_boots
    # The self-test runs beside the chapters, one block at a time.
    [ $selftest -eq 1 ] && { self_test > "$work/out/selftest" 2>&1 & }
    # Results are printed in the order of the documents, but the blocks run
    # the longest first (a Bochs boot takes about three QEMU boots), so that
    # the two jobs end together.
    local id file line plan i=0 cost
    while IFS=$'\t' read -r id file line plan; do
        i=$((i + 1))
        cost=0
        [ -f "$plan" ] && cost=$(awk -F'\t' '$1 == "boot" { c += ($3 == "bochs") ? 6 : 2 } END { print c + 0 }' "$plan")
        # The other blocks of a shared boot come last: it has run by then.
        if [ -f "$work/shared/$id" ] && ! head -1 "$(cat "$work/shared/$id")" | grep -q "^$id "; then cost=0; fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cost" "$i" "$id" "$file" "$line" "$plan"
    done < "$work/units" | sort -t$'\t' -k1,1nr > "$work/order"
    while IFS=$'\t' read -r cost i id file line plan; do
        case $plan in
        unmarked)
            printf 'FAIL %s/%s (%s:%s: a block in a "Try it" or "In Bochs" section without a doctest marker)\n' \
                "$label" "$id" "$file" "$line" > "$work/out/$i"
            ;;
        skip*)
            local reason=${plan#skip}
            reason=${reason#"${reason%%[! ]*}"}
            reason=${reason#(}
            printf 'SKIP %s/%s (%s:%s: not run: %s)\n' "$label" "$id" "$file" "$line" "${reason%)}" > "$work/out/$i"
            ;;
        *)
            while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
            run_unit "$id" "$file" "$line" "$plan" > "$work/out/$i" 2>&1 &
            ;;
        esac
    done < "$work/order"
    i=$(wc -l < "$work/units")
    wait
    local out
    for out in $(seq 1 "$i") selftest; do
        [ -f "$work/out/$out" ] || continue
        cat "$work/out/$out"
        grep -E '^(PASS|FAIL|SKIP) ' "$work/out/$out" >> "$results"
    done
    local passed failed skipped
    passed=$(cat "$work"/out/* 2> /dev/null | grep -c '^PASS')
    failed=$(cat "$work"/out/* 2> /dev/null | grep -c '^FAIL')
    skipped=$(cat "$work"/out/* 2> /dev/null | grep -c '^SKIP')
    local what="$i blocks"
    [ $selftest -eq 1 ] && what+=" and the self-test"
    echo "doctest: $what: $passed passed, $failed failed, $skipped not run (marked skip)"
    [ "$failed" -eq 0 ]
}

main "$@"
