#!/usr/bin/env bash
# Builds the parser fuzzers (libFuzzer + AddressSanitizer) and runs each for a bounded number of inputs.
#
# Usage (from anywhere):
#   bash Tests/Fuzz/run.sh [RUNS] [TARGET...]
#     RUNS    inputs per target (default 100000)
#     TARGET  the part after "Fuzz" in Tests/Fuzz/Fuzz<TARGET>.swift, any case: SRT, webvtt, WAV, PNG, ZIP, multipart;
#             default: every Tests/Fuzz/Fuzz*.swift
#   Settings from the environment: FUZZ_TIMEOUT (seconds per input, default 10),
#   FUZZ_MAX_LEN (bytes per input, default 65536), FUZZ_RSS_MB (memory limit, default 2048).
#
# What it does:
#   1. Copies the library sources into .build-fuzz/src (so that a file saved by someone else
#      mid-build cannot break the build) and builds AnnolabCore as a static library + module,
#      instrumented for libFuzzer and ASan; AnnolabMedia (on top of it, with libpng and zlib)
#      only when a chosen target imports it. Libraries are rebuilt only when sources change.
#   2. Links each Tests/Fuzz/Fuzz<Name>.swift (which `import AnnolabCore`, and perhaps
#      `AnnolabMedia`) into .build-fuzz/bin/fuzz-<name>.
#   3. Writes a small seed corpus of real files (.build-fuzz/seeds/<name>, plus any files in
#      Tests/Fuzz/Seeds/<Name>/), then runs RUNS inputs; new interesting inputs are kept in
#      .build-fuzz/corpus/<name> for the next run.
#   4. Prints one summary line per target. A crash, a sanitizer report or a timeout leaves its
#      input in .build-fuzz/artifacts/<name>/ and the full output in .build-fuzz/logs/<name>.log;
#      replay it with: .build-fuzz/bin/fuzz-<name> .build-fuzz/artifacts/<name>/crash-...
#
# Exit status: 0 when every target built and ran all its inputs cleanly; 1 otherwise.
# .build-fuzz/ is git-ignored (.build-*/ in .gitignore).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$(pwd)
OUT="$ROOT/.build-fuzz"
RUNS=${1:-100000}
shift $(( $# > 0 ? 1 : 0 ))
TIMEOUT=${FUZZ_TIMEOUT:-10}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
RSS_MB=${FUZZ_RSS_MB:-2048}

if ! [[ "$RUNS" =~ ^[0-9]+$ ]]; then
    echo "RUNS must be a number of inputs, e.g. 100000 (got '$RUNS')." >&2
    echo "Usage: bash Tests/Fuzz/run.sh [RUNS] [TARGET...]" >&2
    exit 2
fi
command -v swiftc >/dev/null || { echo "swiftc is not on the PATH; install Swift 6 first." >&2; exit 2; }

# Swift's own crash backtracer would run inside ASan and bury the real report; libFuzzer reports.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

FLAGS=(-parse-as-library -swift-version 6 -O -g -sanitize=fuzzer,address)
LINK=(-use-ld=lld)
MEDIA_INCLUDES=(-I "$OUT/src/CPNG" -I "$OUT/src/CZlib" -Xcc -I/usr/include/libpng16)
mkdir -p "$OUT"/{src,modules,lib,bin,seeds,corpus,artifacts,logs}

# ---- choose targets --------------------------------------------------------------------------
name_of() { local base; base=$(basename "$1" .swift); base=${base#Fuzz}; base=${base#fuzz-}; base=${base#fuzz}; echo "${base,,}"; }
declare -A FILE_OF=()
for file in Tests/Fuzz/Fuzz*.swift; do
    [ -e "$file" ] && FILE_OF[$(name_of "$file")]=$file
done
if [ $# -gt 0 ]; then
    TARGETS=()
    for wanted in "$@"; do
        name=$(name_of "$wanted")
        if [ -z "${FILE_OF[$name]:-}" ]; then
            echo "No fuzz target '$wanted'. Known: ${!FILE_OF[*]}" >&2
            exit 2
        fi
        TARGETS+=("$name")
    done
else
    mapfile -t TARGETS < <(printf '%s\n' "${!FILE_OF[@]}" | sort)
fi
[ ${#TARGETS[@]} -gt 0 ] || { echo "No Tests/Fuzz/Fuzz*.swift files found." >&2; exit 2; }

# ---- build the libraries -----------------------------------------------------------------------
snapshot() {  # copy a source folder into .build-fuzz/src and print a hash of its Swift and module files
    rm -rf "$OUT/src/$1"
    [ -d "Sources/$1" ] || return 1
    cp -R "Sources/$1" "$OUT/src/$1"
    # Programmes go through ffmpeg (the Subprocess package, which a bare swiftc build has not got);
    # no fuzz target reads them, so that part of AnnolabMedia is left out here.
    if [ "$1" = AnnolabMedia ]; then
        rm -rf "$OUT/src/$1/Video" "$OUT/src/$1/Import/ProgrammePreparer.swift" "$OUT/src/$1/Import/ProgrammeFacts.swift"
    fi
    (cd "$OUT/src/$1" && find . -type f \( -name '*.swift' -o -name '*.modulemap' -o -name '*.h' \) -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
}

build_library() {  # build_library Module "what it depends on" [flags...]: 0 when lib<Module>.a is current
    local module=$1 depends=$2; shift 2
    local hash; hash=$(snapshot "$module") || { echo "Sources/$module is missing." > "$OUT/logs/build-$module.log"; return 1; }
    local stamp="$OUT/lib/$module.stamp" wanted="$module $hash $depends"
    if [ -f "$OUT/lib/lib$module.a" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
        return 0
    fi
    echo "building $module (instrumented; about a minute on 2 cores)..."
    local sources; mapfile -t sources < <(find "$OUT/src/$module" -name '*.swift' | sort)
    rm -f "$stamp"
    if swiftc "${FLAGS[@]}" -wmo -emit-library -static -emit-module -module-name "$module" \
        -emit-module-path "$OUT/modules/$module.swiftmodule" -I "$OUT/modules" "$@" \
        -o "$OUT/lib/lib$module.a" "${sources[@]}" > "$OUT/logs/build-$module.log" 2>&1; then
        echo "$wanted" > "$stamp"
        return 0
    fi
    return 1
}

CORE_OK=0
build_library AnnolabCore "" && CORE_OK=1
MEDIA_STATE=unbuilt   # unbuilt | ok | failed
needs_media() { grep -q '^[[:space:]]*import[[:space:]]\+AnnolabMedia' "${FILE_OF[$1]}"; }

# ---- seeds: small real files so coverage starts from real structure ------------------------------
bytes() { local out="" one; for v in "$@"; do printf -v one '\\x%02x' "$v"; out+=$one; done; printf '%b' "$out"; }
le16() { bytes $(( $1 & 255 )) $(( ($1 >> 8) & 255 )); }
le32() { bytes $(( $1 & 255 )) $(( ($1 >> 8) & 255 )) $(( ($1 >> 16) & 255 )) $(( ($1 >> 24) & 255 )); }

wav_seed() {  # wav_seed FILE TAG CHANNELS RATE BITS FRAMES [DATA_SIZE] [SUBFORMAT]
    local file=$1 tag=$2 ch=$3 rate=$4 bits=$5 frames=$6
    local align=$(( ch * bits / 8 )); local size=$(( frames * align ))
    local declared=${7:-$size} sub=${8:-1} fmt_size=16
    [ "$tag" = 65534 ] && fmt_size=40
    {
        printf 'RIFF'; le32 $(( 4 + 8 + fmt_size + 8 + 6 + 8 + size + (size & 1) ))
        printf 'WAVE'
        printf 'LIST'; le32 5; printf 'INFOx'; bytes 0          # odd chunk with its pad byte
        printf 'fmt '; le32 $fmt_size; le16 "$tag"; le16 "$ch"; le32 "$rate"; le32 $(( rate * align )); le16 $align; le16 "$bits"
        if [ "$tag" = 65534 ]; then
            le16 22; le16 "$bits"; le32 3; le16 "$sub"; bytes 0 0 0 0 16 0 128 0 0 170 0 56 155 113
        fi
        printf 'data'; le32 "$declared"
        for (( i = 0; i < size; i++ )); do bytes $(( (i * 37 + 11) & 255 )); done
        (( size & 1 )) && bytes 0
    } > "$file"
}

write_seeds() {
    local name=$1 dir="$OUT/seeds/$1"
    rm -rf "$dir"; mkdir -p "$dir"
    case $name in
        srt)
            printf '1\r\n00:00:01,000 --> 00:00:03,500\r\nGoedenavond, <i>welkom</i>.\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,250 X1:10 X2:60 Y1:5 Y2:8\r\n{\\an8}Het weer &amp; het verkeer.\r\n' > "$dir/numbered.srt"
            printf '00:00:01.5 --> 00:02,250\nZonder nummers\n\n\n0:00:03,000 --> 0:00:04,000\nTweede\nregel\n' > "$dir/lenient.srt"
            printf '\xef\xbb\xbf1\n00:00:01,000 --> 00:00:02,000\nCaf\xc3\xa9\n' > "$dir/bom.srt"
            printf '\xff\xfe1\x00\n\x000\x000\x00:\x000\x000\x00:\x000\x001\x00,\x000\x000\x000\x00 \x00-\x00-\x00>\x00 \x000\x000\x00:\x000\x000\x00:\x000\x002\x00,\x000\x000\x000\x00\n\x00H\x00i\x00\n\x00' > "$dir/utf16.srt"
            printf '1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 \x93\x80 5\x94\n' > "$dir/windows1252.srt"
            ;;
        webvtt)
            printf 'WEBVTT - Journaal\nKind: captions\n\nNOTE made by the desk\n\nSTYLE\n::cue { color: yellow }\n\nREGION\nid:onder\n\nintro\n00:01.000 --> 00:03.500 align:start position:10%%\n<v Anchor>Goedenavond.</v>\n\n00:00:04.000 --> 00:00:06.000 line:90%%\n<c.yellow>Het <00:00:05.000>weer</c>\nin het kort &lt;3\n' > "$dir/journaal.vtt"
            printf 'WEBVTT\r\n\r\n1\r\n00:00.000 --> 00:01.000\r\nEen\r\n00:01.000 --> 00:02.000\r\nTwee\r\n' > "$dir/crlf.vtt"
            ;;
        wav)
            wav_seed "$dir/pcm16-mono.wav" 1 1 8000 16 24
            wav_seed "$dir/pcm8-odd.wav" 1 1 8000 8 13
            wav_seed "$dir/pcm24-stereo.wav" 1 2 48000 24 10
            wav_seed "$dir/float32-stereo.wav" 3 2 44100 32 8
            wav_seed "$dir/extensible-float-6ch.wav" 65534 6 48000 32 4 "" 3
            wav_seed "$dir/extensible-pcm24-3ch.wav" 65534 3 8000 24 5
            wav_seed "$dir/streaming-ffff.wav" 1 1 22050 16 20 4294967295
            wav_seed "$dir/streaming-espeak.wav" 1 1 22050 16 20 2147479552
            wav_seed "$dir/streaming-zero.wav" 1 2 16000 16 9 0
            ;;
        png)
            base64 -d > "$dir/one-pixel.png" <<< 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
            ;;
        multipart)
            printf '\x05--B\r\nContent-Disposition: form-data; name="file"; filename="a.srt"\r\n\r\n1\r\n--\r\n-B\r\n--B\r\nContent-Type: text/plain\r\n\r\n\r\n--B--\r\n' > "$dir/two-parts.bin"
            printf '\x01preamble\r\n--B  \r\n\r\nx\r\n--B--' > "$dir/padding.bin"
            ;;
        zip)
            base64 -d > "$dir/two-entries.zip" <<< 'UEsDBBQAAAAAAAAAIQB3sdEjJgAAACYAAAAKAAAAc3RvcmVkLnNydDEKMDA6MDA6MDEsMDAwIC0tPiAwMDowMDowMiwwMDAKSGFsbG8KUEsDBBQAAAAIAAAAIQC8G5yADQAAAKAAAAATAAAAaW1hZ2VzL2RlZmxhdGVkLnR4dEvMy8vPSUxSSBykNABQSwECFAMUAAAAAAAAACEAd7HRIyYAAAAmAAAACgAAAAAAAAAAAAAAgAEAAAAAc3RvcmVkLnNydFBLAQIUAxQAAAAIAAAAIQC8G5yADQAAAKAAAAATAAAAAAAAAAAAAACAAU4AAABpbWFnZXMvZGVmbGF0ZWQudHh0UEsFBgAAAAACAAIAeQAAAIwAAAAAAA=='
            ;;
    esac
    # Seeds kept in the repository by a target's author, if any.
    local kept; kept=$(basename "${FILE_OF[$name]}" .swift); kept="Tests/Fuzz/Seeds/${kept#Fuzz}"
    [ -d "$kept" ] && cp "$kept"/* "$dir"/ 2>/dev/null
    return 0
}

# ---- build, run and summarise each target --------------------------------------------------------
FAILED=0
summary() { printf 'fuzz %-8s %s\n' "$1" "$2"; }

for name in "${TARGETS[@]}"; do
    src=${FILE_OF[$name]}
    log="$OUT/logs/$name.log"
    bin="$OUT/bin/fuzz-$name"
    if [ $CORE_OK = 0 ]; then
        summary "$name" "BUILD FAILED: AnnolabCore did not compile; see $OUT/logs/build-AnnolabCore.log"
        FAILED=1; continue
    fi
    libs=(-L "$OUT/lib")
    extra=()
    if needs_media "$name"; then
        if [ $MEDIA_STATE = unbuilt ]; then
            MEDIA_STATE=failed
            # The C module maps (libpng, zlib) are part of what AnnolabMedia is built from.
            shims="$(snapshot CPNG) $(snapshot CZlib)"
            build_library AnnolabMedia "$(cat "$OUT/lib/AnnolabCore.stamp") $shims" "${MEDIA_INCLUDES[@]}" && MEDIA_STATE=ok
        fi
        if [ $MEDIA_STATE != ok ]; then
            summary "$name" "BUILD FAILED: AnnolabMedia did not compile; see $OUT/logs/build-AnnolabMedia.log"
            FAILED=1; continue
        fi
        extra=("${MEDIA_INCLUDES[@]}")
        libs+=(-lAnnolabMedia -lAnnolabCore -lpng16 -lz)
    else
        libs+=(-lAnnolabCore)
    fi
    cp "$src" "$OUT/src/$(basename "$src")"
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$OUT/lib/libAnnolabCore.a" -nt "$bin" ] \
        || { [ -f "$OUT/lib/libAnnolabMedia.a" ] && [ "$OUT/lib/libAnnolabMedia.a" -nt "$bin" ]; }; then
        if ! swiftc "${FLAGS[@]}" "${LINK[@]}" -I "$OUT/modules" "${extra[@]}" "$OUT/src/$(basename "$src")" \
            "${libs[@]}" -o "$bin" > "$OUT/logs/build-$name.log" 2>&1; then
            rm -f "$bin"
            summary "$name" "BUILD FAILED: see $OUT/logs/build-$name.log"
            FAILED=1; continue
        fi
    fi

    write_seeds "$name"
    mkdir -p "$OUT/corpus/$name" "$OUT/artifacts/$name"
    started=$(date +%s.%N)
    "$bin" -runs="$RUNS" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$name/" "$OUT/corpus/$name" "$OUT/seeds/$name" > "$log" 2>&1
    status=$?
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "$OUT/corpus/$name" -type f | wc -l)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    if [ $status -eq 0 ]; then
        rate=$(awk -v n="${executed:-0}" -v t="$seconds" 'BEGIN { printf "%d", n / (t + 0.05) }')
        summary "$name" "ok      ${executed:-?} runs in ${seconds} s, ${rate} exec/s, cov ${coverage:-?}, corpus ${corpus}, peak ${peak:-?} MB"
    else
        FAILED=1
        reason=$(grep -m1 -oE 'ERROR: libFuzzer: [a-z0-9 -]+|ERROR: (AddressSanitizer|LeakSanitizer): [a-zA-Z -]+' "$log" | sed 's/ on address *$//; s/ *$//' || true)
        trap=$(grep -m1 -oE 'Fatal error: .{0,160}' "$log" || true)
        input=$(grep -m1 -oE 'Test unit written to [^ ]+' "$log" | cut -d' ' -f5)
        summary "$name" "FAILED  (exit $status) ${reason:-no report}${trap:+; $trap}; input: ${input:-none}; log: $log"
    fi
done

exit $FAILED
