#!/usr/bin/env bash
# Make a disk image for Pagoda's swap device with the standard util-linux
# tools, so the kernel is tested against what real tools write.
#
#   scripts/mkdisk.sh OUT.img [--size MiB] [--swap MiB] [--second MiB]
#                     [--label LABEL] [--uuid UUID] [--no-mkswap] [--no-table]
#
# Layout (sectors of 512 bytes):
#   0                  MBR written by sfdisk (disk id 0x50474441, "PGDA")
#   2048 (1 MiB)       partition 1, type 82 (Linux swap), --swap MiB,
#                      with a SWAPSPACE2 header written by mkswap
#   after partition 1  partition 2, type 83 (Linux), --second MiB, if asked
#
#   --size MiB     whole disk (default 32)
#   --swap MiB     swap partition (default 16)
#   --second MiB   add a second partition of type 83 after the swap one
#   --label LABEL  swap label (mkswap -L; mkswap keeps at most 15 characters)
#   --uuid UUID    swap UUID (mkswap -U), e.g. for reproducible images
#   --no-mkswap    leave the swap partition without a swap header
#   --no-table     write no MBR (sector 0 stays zero); the swap header, if
#                  any, is still written at 1 MiB where partition 1 would be
#
# Needs no root: sfdisk and mkswap work on plain files. mkswap runs on a
# temporary file the size of the partition (util-linux 2.38 has no
# mkswap --offset), which is then copied into the image at the partition's
# offset.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"

usage() {
	sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

die() {
	echo "mkdisk: $*" >&2
	exit 1
}

out=""
size_mib=32
swap_mib=16
second_mib=0
label=""
uuid=""
do_mkswap=1
do_table=1

need_arg() {
	[[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"
}

while [[ $# -gt 0 ]]; do
	case "$1" in
	--size) need_arg "$@"; size_mib=$2; shift 2 ;;
	--swap) need_arg "$@"; swap_mib=$2; shift 2 ;;
	--second) need_arg "$@"; second_mib=$2; shift 2 ;;
	--label) need_arg "$@"; label=$2; shift 2 ;;
	--uuid) need_arg "$@"; uuid=$2; shift 2 ;;
	--no-mkswap) do_mkswap=0; shift ;;
	--no-table) do_table=0; shift ;;
	-h | --help) usage ;;
	-*) echo "mkdisk: unknown option $1" >&2; usage ;;
	*)
		[[ -z "$out" ]] || die "more than one output file: $out and $1"
		out=$1
		shift
		;;
	esac
done
[[ -n "$out" ]] || usage
mkdir -p "$(dirname "$out")"

for n in "$size_mib" "$swap_mib" "$second_mib"; do
	[[ "$n" =~ ^[0-9]+$ ]] || die "sizes are whole MiB, got '$n'"
done
size_mib=$((10#$size_mib))
swap_mib=$((10#$swap_mib))
second_mib=$((10#$second_mib))
((swap_mib >= 1)) || die "--swap must be at least 1 MiB"
# 1 MiB in front of partition 1 holds the MBR and the usual alignment gap.
((1 + swap_mib + second_mib <= size_mib)) ||
	die "1 MiB + swap $swap_mib MiB + second $second_mib MiB do not fit in a $size_mib MiB disk"

for tool in sfdisk mkswap; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "mkdisk: $tool not found" >&2
		echo "install util-linux/fdisk: apt-get install fdisk util-linux" >&2
		exit 1
	fi
done

sectors_per_mib=2048
swap_start=2048
swap_sectors=$((swap_mib * sectors_per_mib))
second_start=$((swap_start + swap_sectors))
second_sectors=$((second_mib * sectors_per_mib))

# A fresh, sparse, all-zero image (an existing file is emptied first).
truncate -s 0 "$out"
truncate -s "${size_mib}M" "$out"

if ((do_table)); then
	{
		echo "label: dos"
		echo "label-id: 0x50474441"
		echo "unit: sectors"
		echo
		echo "start=$swap_start, size=$swap_sectors, type=82"
		if ((second_mib > 0)); then
			echo "start=$second_start, size=$second_sectors, type=83"
		fi
	} | sfdisk --quiet --no-reread --no-tell-kernel --wipe never "$out" >/dev/null
elif ((second_mib > 0)); then
	echo "mkdisk: --no-table: --second ignored" >&2
fi

mkswap_line=""
if ((do_mkswap)); then
	tmp=$(mktemp "${TMPDIR:-/tmp}/mkdisk-swap.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	# Written zeros, not a sparse file: mkswap warns about holes in swap files.
	dd if=/dev/zero of="$tmp" bs=1M count="$swap_mib" status=none
	chmod 600 "$tmp"
	args=(--pagesize 4096)
	[[ -n "$label" ]] && args+=(-L "$label")
	[[ -n "$uuid" ]] && args+=(-U "$uuid")
	mkswap_line=$(mkswap "${args[@]}" "$tmp" 2>&1) || die "mkswap failed: $mkswap_line"
	# Partition 1 starts at 1 MiB: seek one 1 MiB block. conv=sparse keeps
	# the image sparse, as everything but the header page is zero.
	dd if="$tmp" of="$out" bs=1M seek=1 conv=notrunc,sparse status=none
fi

echo "mkdisk: $out: $size_mib MiB ($((size_mib * sectors_per_mib)) sectors)"
if ((do_table)); then
	echo "  MBR: partition 1 type 82 start $swap_start size $swap_sectors sectors ($swap_mib MiB)"
	if ((second_mib > 0)); then
		echo "  MBR: partition 2 type 83 start $second_start size $second_sectors sectors ($second_mib MiB)"
	fi
else
	echo "  no partition table (sector 0 is zero)"
fi
if ((do_mkswap)); then
	echo "  swap header at sector $swap_start (byte $((swap_start * 512))): last_page $((swap_mib * 256 - 1))"
	printf '%s\n' "$mkswap_line" | sed 's/^/  mkswap: /'
else
	echo "  no swap header (--no-mkswap)"
fi
