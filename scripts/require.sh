# Sourced by scripts/test.sh and scripts/run.sh: `require` makes sure a Debian package's file is present,
# installing the package when running as root, and otherwise stops with the command to install it.

is_root() { [[ $(id -u) -eq 0 ]]; }

apt_updated=
apt_install() {
    if [[ -z $apt_updated ]]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# require WHAT PATH DEBIAN-PACKAGE
require() {
    local what=$1 path=$2 pkg=$3 me=${0##*/}
    [[ -e $path ]] && return 0
    if is_root; then
        echo "$me: $what not found at $path; installing Debian package '$pkg'"
        apt_install "$pkg"
        if [[ ! -e $path ]]; then
            echo "$me: '$pkg' installed but $path is still missing" >&2
            exit 1
        fi
        return 0
    fi
    {
        echo "$me: $what is required at $path."
        echo "          Install it with:  sudo apt-get install $pkg"
    } >&2
    exit 1
}

# The documents' serif (Times New Roman's metric twin, with every Vietnamese letter), for the app and its tests.
require_document_fonts() {
    require "Liberation Serif" /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf fonts-liberation2
}
