# shellcheck shell=bash
# Sourced by the ensure-*.sh scripts: what needs root on a Debian machine is done as root (directly, or
# through sudo when there is sudo), and otherwise the person is told exactly which command to run as root.

# How to run a command as root from here: nothing to add when root, sudo when there is sudo; fails otherwise.
root_prefix() {
  if [[ "$(id -u)" == 0 ]]; then
    echo ""
  elif command -v sudo >/dev/null 2>&1; then
    echo sudo
  else
    return 1
  fi
}

# as_root WHY COMMAND...: runs COMMAND as root, or prints it (after WHY) for the person to run and exits 1.
as_root() {
  local why=$1 prefix
  shift
  if ! prefix=$(root_prefix); then
    local shown
    shown=$(printf '%q ' "$@")
    echo "error: $why; as root, run: ${shown% }" >&2
    exit 1
  fi
  $prefix "$@"
}

# install_debian_packages TAG WHY PACKAGE...: installs Debian's packages, or prints the command to run as
# root and exits 1. The package lists are refreshed first: a fresh machine has none.
install_debian_packages() {
  local tag=$1 why=$2 prefix
  shift 2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $why, and this is not a Debian machine (no apt-get): install $* yourself" >&2
    exit 1
  fi
  if ! prefix=$(root_prefix); then
    echo "error: $why; as root, run: apt-get update && apt-get install -y $*" >&2
    exit 1
  fi
  echo "[$tag] installing Debian's $*: $why"
  $prefix apt-get update -qq
  # Through env: sudo drops the caller's environment, and apt-get must not stop to ask questions.
  $prefix env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
