#!/usr/bin/env bash
# Makes sure the EDA tools pktrouter drives are installed.
#   scripts/tools.sh          install missing tools with apt-get when root; otherwise
#                             print the exact command and fail (this is `make tools`).
#   scripts/tools.sh --ensure as above, but a non-root machine outside CI only warns,
#                             so `make test` still runs the tests that need no tools
#                             (those that do skip, naming what to install). In CI
#                             (CI=true) a missing tool is always a failure.
set -euo pipefail
mode=${1:-strict}

# binary:debian-package
tools="g++:g++ make:make yosys:yosys verilator:verilator iverilog:iverilog vvp:iverilog nextpnr-ice40:nextpnr-ice40 icepack:fpga-icestorm icetime:fpga-icestorm"

missing=()
for t in $tools; do
  bin=${t%%:*} pkg=${t##*:}
  if ! command -v "$bin" >/dev/null 2>&1; then
    case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
  fi
done

if ! command -v go >/dev/null 2>&1; then
  echo "tools: Go is not on PATH. Install Go 1.26 or newer (https://go.dev/dl) and retry." >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "tools: yosys, verilator, iverilog, nextpnr-ice40 and icestorm are installed."
  exit 0
fi

cmd="apt-get install -y ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tools: installing ${missing[*]} with apt-get (this takes a minute or two)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "tools: installed ${missing[*]}."
  exit 0
fi

echo "tools: missing ${missing[*]}. Install them with:" >&2
echo "    sudo apt-get update && sudo $cmd" >&2
if [ "$mode" = --ensure ] && [ "${CI:-}" != true ]; then
  echo "tools: continuing; tests that need these tools will be skipped (in CI they fail)." >&2
  exit 0
fi
exit 1
