# Shared by scripts/demo.sh and scripts/test.sh: make .venv with the project installed.
# Sourced, not run. Installs Qt's system libraries first when they are missing and
# this user may (root with apt-get); otherwise says exactly what to install.

find_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "error: Python 3.11 or newer is needed (python3.11 not found)" >&2
  return 1
}

ensure_system_libs() {
  # The shared libraries Qt 6 loads even offscreen, and the Debian packages holding them.
  # "$1" = gui: also every library Qt's xcb plugin (the X11 window) links against, read
  # from PySide6's libqxcb.so and libQt6XcbQpa.so, so one run lists them all.
  local missing=()
  local pairs=("libGL.so.1:libgl1" "libEGL.so.1:libegl1" "libxkbcommon.so.0:libxkbcommon0"
               "libfontconfig.so.1:libfontconfig1" "libfreetype.so.6:libfreetype6"
               "libdbus-1.so.3:libdbus-1-3" "libglib-2.0.so.0:libglib2.0-0")
  if [ "${1:-}" = "gui" ]; then
    pairs+=("libX11.so.6:libx11-6" "libX11-xcb.so.1:libx11-xcb1" "libxcb.so.1:libxcb1"
            "libxcb-cursor.so.0:libxcb-cursor0" "libxcb-icccm.so.4:libxcb-icccm4"
            "libxcb-image.so.0:libxcb-image0" "libxcb-keysyms.so.1:libxcb-keysyms1"
            "libxcb-randr.so.0:libxcb-randr0" "libxcb-render.so.0:libxcb-render0"
            "libxcb-render-util.so.0:libxcb-render-util0" "libxcb-shape.so.0:libxcb-shape0"
            "libxcb-shm.so.0:libxcb-shm0" "libxcb-sync.so.1:libxcb-sync1"
            "libxcb-util.so.1:libxcb-util1" "libxcb-xfixes.so.0:libxcb-xfixes0"
            "libxcb-xkb.so.1:libxcb-xkb1" "libxkbcommon-x11.so.0:libxkbcommon-x11-0")
  fi
  for pair in "${pairs[@]}"; do
    ldconfig -p 2>/dev/null | grep -qF "${pair%%:*}" || missing+=("${pair##*:}")
  done
  if [ "${1:-}" = "gui" ] && command -v fc-list >/dev/null 2>&1 &&
     [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
    missing+=("fonts-noto-cjk")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages Qt needs: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: Qt may need these system packages: ${missing[*]}" >&2
    echo "      (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
  fi
}

ensure_venv() {
  # $1: the extras to install, e.g. "hq" or "hq,dev"
  local extras="$1" py stamp
  stamp=".venv/.installed-$extras"
  if [ ! -x .venv/bin/python ]; then
    py=$(find_python)
    echo "creating .venv with $py"
    "$py" -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "installing the project and its dependencies into .venv ($extras)…"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
}
