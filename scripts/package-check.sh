#!/usr/bin/env bash
# Builds Socketeer's Linux packages and checks them the way users' machines
# meet them. Needs root (apt-get, debootstrap, chroot, mount); CI runs it from
# scripts/test.sh. Exit status 0 only if every check passes.
#
#   scripts/package-check.sh [BUILD_DIR]        (default: build-pkg)
#
# 1. A Release build with Debian's hardening flags (dpkg-buildflags), warnings
#    as errors (scripts/configure-release.sh; nothing to build when
#    scripts/test.sh built BUILD_DIR already), and cpack: the .deb and the .rpm.
# 2. The .deb: lintian without errors or warnings, its dependencies, its
#    files; desktop-file-validate, appstreamcli validate, one application id.
# 3. The .rpm: its file list (the .deb's files, no system folder owned) and
#    its requirements.
# 4. The .deb installed on this machine with apt-get: --version, an exchange
#    with a loopback server headless and through the window, the desktop
#    file and icons where desktops look; then apt-get remove leaves none of
#    its files. (On a developer's machine this installs and removes the
#    package for real; it stops if socketeer is installed already.)
# 5. The .deb installed into a brand-new minimal Debian 12 root made with
#    debootstrap inside BUILD_DIR: what it pulls in is enough to run both
#    exchanges there, a TLS one with --ca among them.
set -euo pipefail
top=$(realpath "$(dirname "$0")/..")
build=$(realpath -m "${1:-$top/build-pkg}")
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$top/scripts/package-check.sh" "$build"
fi
cd "$top"
case "$build" in
    *[[:space:]]*) echo "package-check: the build folder must not contain spaces: $build" >&2; exit 2 ;;
esac
fresh_root=$build/fresh-root
work=$build/package-check
suite=bookworm

step() { echo "== package-check [${SECONDS}s]: $*"; }
fail() { echo "package-check: FAILED: $*" >&2; exit 1; }

# ------------------------------------------------------------ cleanup

server_pid=""
debootstrap_pid=""
tools_pid=""
host_installed=0
# Mount points at or below $1, deepest first.
mounts_under() {
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
unmount_fresh_root() {
    local mount_point
    for mount_point in $(mounts_under "$fresh_root"); do
        umount "$mount_point" 2>/dev/null || umount -l "$mount_point"
    done
    if [ -n "$(mounts_under "$fresh_root")" ]; then
        echo "package-check: still mounted below $fresh_root:" $(mounts_under "$fresh_root") >&2
        return 1
    fi
}
remove_fresh_root() {
    unmount_fresh_root || return 1
    # --one-file-system: never into a mount that unmounting missed.
    rm -rf --one-file-system "$fresh_root"
}
cleanup() {
    local status=$?
    set +e
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
    if [ -n "$debootstrap_pid" ]; then kill -- -"$debootstrap_pid" 2>/dev/null; wait "$debootstrap_pid" 2>/dev/null; fi
    # apt-get is left to finish: stopping it halfway would break this machine's packages.
    if [ -n "$tools_pid" ]; then wait "$tools_pid" 2>/dev/null; fi
    if [ "$host_installed" = 1 ]; then apt-get remove -y -qq socketeer >/dev/null 2>&1; fi
    if [ "$status" -eq 0 ]; then
        remove_fresh_root
    else
        unmount_fresh_root && [ -d "$fresh_root" ] && echo "package-check: the minimal root is kept for inspection: $fresh_root" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ tools

export DEBIAN_FRONTEND=noninteractive
step "installing the build tools, dpkg-dev and debootstrap"
./scripts/install-deps.sh
apt-get install -y -qq --no-install-recommends dpkg-dev debootstrap debian-archive-keyring >/dev/null

# The minimal root is downloaded while the build runs (network against CPU).
# Debian's mirror as this machine's apt uses it.
debian_mirror() {
    local mirror=""
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
    elif [ -f /etc/apt/sources.list ]; then
        mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list)
    fi
    echo "${mirror:-http://deb.debian.org/debian}"
}
step "making a minimal Debian 12 root in the background ($(debian_mirror))"
remove_fresh_root || fail "could not remove the old minimal root"
mkdir -p "$build" "$work"
# In a process group of its own, so that stopping it stops its children too.
setsid debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$suite" "$fresh_root" "$(debian_mirror)" >"$build/debootstrap.log" 2>&1 &
debootstrap_pid=$!

# The other packaging tools (lintian, rpm, ...) are needed once the build is
# done, so they install meanwhile too.
step "installing the packaging tools in the background"
./scripts/install-deps.sh --package >"$work/install-deps.log" 2>&1 &
tools_pid=$!

# ------------------------------------------------------------ 1. build

step "building the packages in $build"
# As Debian builds its packages (scripts/configure-release.sh). A folder that
# scripts/test.sh built and tested this way keeps its tests: the packages
# are made from the very objects the tests ran on, with nothing to rebuild.
tests=OFF
if grep -qx 'SOCKETEER_BUILD_TESTS:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
    tests=ON
fi
./scripts/configure-release.sh "$build" -DSOCKETEER_BUILD_TESTS=$tests
cmake --build "$build" -j "$(nproc)"
step "waiting for the packaging tools"
wait "$tools_pid" || { cat "$work/install-deps.log"; tools_pid=""; fail "installing the packaging tools"; }
tools_pid=""
step "making the packages"
rm -f "$build"/socketeer[_-]*.deb "$build"/socketeer[_-]*.rpm
# Both generators named: `--target package` makes those whose tools were
# there when the tree was configured, and these were installing meanwhile.
(cd "$build" && cpack -G "DEB;RPM") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
app_id=$(sed -n 's/^#define SOCKETEER_APP_ID "\(.*\)"$/\1/p' "$build/app/version.h")
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb=$build/socketeer_${version}_${arch}.deb
rpm_file=$(ls "$build"/socketeer-"$version"-*.rpm 2>/dev/null | head -1 || true)
[ -n "$version" ] && [ -n "$app_id" ] || fail "could not read the version or the application id"
[ -f "$deb" ] || fail "no $deb"
[ -n "$rpm_file" ] || fail "no socketeer-$version-*.rpm"
echo "version $version, application id $app_id"

# What every package must install: path, relative to /.
expected_files=(
    usr/bin/socketeer
    usr/share/applications/$app_id.desktop
    usr/share/metainfo/$app_id.metainfo.xml
    usr/share/icons/hicolor/scalable/apps/$app_id.svg
    usr/share/man/man1/socketeer.1.gz
    usr/share/doc/socketeer/copyright
    usr/share/doc/socketeer/changelog.gz
)
icon_sizes=(16 32 48 64 128 256)
for size in "${icon_sizes[@]}"; do
    expected_files+=("usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done

# ------------------------------------------------------------ 2. the .deb

step "lintian"
lintian_status=0
lintian --fail-on error,warning --display-info "$deb" >"$work/lintian.txt" 2>&1 || lintian_status=$?
grep -v '^running with root privileges' "$work/lintian.txt" || true
[ "$lintian_status" -eq 0 ] || fail "lintian"

step "checking the .deb's dependencies and files"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for package in ca-certificates libqt6svg6 libc6 libqt6core6 libqt6gui6 libqt6network6 libqt6widgets6; do
    grep -Eq "(^|, )$package( |,|$)" <<<"$depends" || fail "the .deb does not depend on $package"
done
[ "$(dpkg-deb --field "$deb" Version)" = "$version" ] || fail "the .deb's version is not $version"

rm -rf "$work/deb"
dpkg-deb -x "$deb" "$work/deb"
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./||' -e '/\/$/d' -e '/^$/d' | sort >"$work/deb-files"
printf '%s\n' "${expected_files[@]}" | sort >"$work/expected-files"
diff -u "$work/expected-files" "$work/deb-files" || fail "the .deb's files are not the expected ones"

desktop=$work/deb/usr/share/applications/$app_id.desktop
metainfo=$work/deb/usr/share/metainfo/$app_id.metainfo.xml
desktop-file-validate "$desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate"
desktop_value() { sed -n "s/^$1=//p" "$desktop"; }
grep -q "^Categories=.*\bNetwork;" "$desktop" || fail "the desktop file is not in the Network category"
[ "$(desktop_value Icon)" = "$app_id" ] || fail "the desktop file's Icon is not $app_id"
[ "$(desktop_value Exec | cut -d' ' -f1)" = socketeer ] || fail "the desktop file does not run socketeer"
grep -q "<id>$app_id</id>" "$metainfo" || fail "the metainfo's id is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" \
    || fail "the metainfo does not launch $app_id.desktop"
grep -q "<release version=\"$version\" date=\"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\"" "$metainfo" \
    || fail "the metainfo has no dated release $version"
grep -q "<screenshot type=\"default\">" "$metainfo" || fail "the metainfo has no screenshot"
for size in "${icon_sizes[@]}"; do
    file "$work/deb/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png" | grep -q "PNG image data, $size x $size," \
        || fail "the ${size}x${size} icon is not a ${size}x${size} PNG"
done
gzip -t "$work/deb/usr/share/man/man1/socketeer.1.gz" || fail "the man page is not gzip'd"
zcat "$work/deb/usr/share/man/man1/socketeer.1.gz" | grep -q "^\.TH SOCKETEER 1 [0-9-]* \"Socketeer $version\"" \
    || fail "the man page does not carry version $version"

# ------------------------------------------------------------ 3. the .rpm

step "checking the .rpm's files and requirements"
[ "$(rpm -qp --queryformat '%{VERSION}' "$rpm_file")" = "$version" ] || fail "the .rpm's version is not $version"
rpm -qplv "$rpm_file" >"$work/rpm-list"
# Files: the same as the .deb's. Folders: only its own doc folder.
awk '$1 !~ /^d/ { print substr($NF, 2) }' "$work/rpm-list" | sort >"$work/rpm-files"
diff -u "$work/expected-files" "$work/rpm-files" || fail "the .rpm's files are not the expected ones"
awk '$1 ~ /^d/ { print $NF }' "$work/rpm-list" >"$work/rpm-dirs"
[ "$(cat "$work/rpm-dirs")" = /usr/share/doc/socketeer ] \
    || fail "the .rpm owns folders other than /usr/share/doc/socketeer: $(tr '\n' ' ' <"$work/rpm-dirs")"
rpm -qpR "$rpm_file" >"$work/rpm-requires"
for requirement in ca-certificates qt6-qtsvg 'libQt6Core.so.6()(64bit)' 'libQt6Gui.so.6()(64bit)' \
                   'libQt6Network.so.6()(64bit)' 'libQt6Widgets.so.6()(64bit)' 'libc.so.6()(64bit)'; do
    grep -qxF "$requirement" "$work/rpm-requires" || fail "the .rpm does not require $requirement"
done
echo "rpm requires: $(grep -v '^rpmlib(' "$work/rpm-requires" | sed 's/(.*//' | sort -u | tr '\n' ' ')"

# ------------------------------------------------------------ exchanges

# Runs a command in the target: this machine, or the minimal root when
# $target_root is set (with a clean environment).
target_root=""
in_target() {
    if [ -z "$target_root" ]; then
        "$@"
    else
        chroot "$target_root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
    fi
}
# A path in the target as the host sees it.
host_path() { echo "$target_root$1"; }

# A loopback server needing nothing but perl-base (in every Debian): it
# accepts one connection, answers the first line and closes.
echo_server='
use strict; use warnings; use IO::Socket::INET;
my $server = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1, ReuseAddr => 1)
    or die "test server: cannot listen: $!\n";
$| = 1;
print $server->sockport, "\n";
$SIG{ALRM} = sub { die "test server: no client within 60 s\n" };
alarm 60;
my $client = $server->accept or die "test server: accept: $!\n";
my $line = <$client>;
defined $line or die "test server: the client sent nothing\n";
print $client "test server received: $line";
close $client;
'
# Starts the server in the target; sets server_pid and server_port.
start_server() {
    coproc SERVER { exec chroot "${target_root:-/}" /usr/bin/perl -e "$echo_server"; }
    server_pid=$SERVER_PID
    read -r -t 20 server_port <&"${SERVER[0]}" || fail "the test server did not start"
}
stop_server() {
    local status=0
    wait "$server_pid" || status=$?
    server_pid=""
    [ "$status" -eq 0 ] || fail "the test server failed ($status)"
}

# The installed program in the target: its version, a headless exchange
# and the same exchange through the window (offscreen), which loads the
# Qt plugins a desktop needs, the SVG icon ones included.
check_installed_program() {
    local where=$1 dir=/tmp/socketeer-check
    rm -rf "$(host_path "$dir")"
    mkdir -p -m 0700 "$(host_path "$dir")" "$(host_path "$dir")/runtime"

    step "$where: /usr/bin/socketeer --version"
    in_target /usr/bin/socketeer --version | tee "$work/version.txt"
    [ "$(head -1 "$work/version.txt")" = "socketeer $version" ] || fail "$where: --version does not say socketeer $version"

    step "$where: a headless exchange with a loopback server"
    start_server
    in_target /usr/bin/socketeer --headless 127.0.0.1 "$server_port" --send 'hello from the package\n' \
        --timeout 20000 --save "$dir/headless.txt" >"$work/headless.out" || fail "$where: the headless exchange failed"
    stop_server
    [ "$(cat "$work/headless.out")" = "test server received: hello from the package" ] \
        || fail "$where: unexpected reply: $(cat "$work/headless.out")"
    grep -q '^\[.*\] > hello from the package\\n$' "$(host_path "$dir/headless.txt")" \
        || fail "$where: the saved transcript lacks the request"
    [ "$(stat -c %a "$(host_path "$dir/headless.txt")")" = 600 ] || fail "$where: the transcript is not mode 0600"

    step "$where: the same exchange through the window (offscreen)"
    start_server
    in_target /usr/bin/env HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_RUNTIME_DIR="$dir/runtime" \
        QT_QPA_PLATFORM=offscreen QT_DEBUG_PLUGINS=1 \
        /usr/bin/socketeer --connect --send 'hello from the window\n' --save "$dir/window.txt" \
        --quit-on-close 127.0.0.1 "$server_port" 2>"$work/window.log" \
        || { tail -20 "$work/window.log"; fail "$where: the window exchange failed"; }
    stop_server
    grep -q '^\[.*\] < test server received: hello from the window\\n$' "$(host_path "$dir/window.txt")" \
        || fail "$where: the window's transcript lacks the reply"
    for plugin in imageformats/libqsvg.so iconengines/libqsvgicon.so; do
        grep -q "plugins/$plugin\" loaded library" "$work/window.log" || fail "$where: Qt did not load $plugin"
    done

    step "$where: every library of the program and of its Qt plugins is found"
    local plugins=/usr/lib/$multiarch/qt6/plugins
    for binary in /usr/bin/socketeer "$plugins"/platforms/libqxcb.so "$plugins"/platforms/libqoffscreen.so \
                  "$plugins"/imageformats/libqsvg.so "$plugins"/iconengines/libqsvgicon.so \
                  "$plugins"/tls/libqopensslbackend.so; do
        in_target ldd "$binary" >"$work/ldd.txt" 2>&1 || fail "$where: ldd $binary: $(cat "$work/ldd.txt")"
        ! grep -q "not found" "$work/ldd.txt" || fail "$where: $binary misses: $(grep 'not found' "$work/ldd.txt")"
    done
    rm -rf "$(host_path "$dir")"
}

# A TLS exchange with a local `openssl s_server` whose certificate comes
# from a CA given by --ca: proves the package brings Qt's TLS backend and
# what it needs. openssl is there without installing anything:
# ca-certificates needs it.
tls_exchange() {
    local where=$1 dir=/tmp/socketeer-tls
    rm -rf "$(host_path "$dir")"
    mkdir -p -m 0700 "$(host_path "$dir")"
    step "$where: a TLS exchange with openssl s_server, the CA given by --ca"
    in_target openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj /CN=Socketeer-test-CA -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    in_target openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$(host_path "$dir/ext.cnf")"
    in_target openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 1 -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null

    coproc TLS_SERVER { exec chroot "${target_root:-/}" /usr/bin/openssl s_server -accept 0 \
        -cert "$dir/server.pem" -key "$dir/server.key" -www 2>&1; }
    server_pid=$TLS_SERVER_PID
    local line port=""
    while read -r -t 20 line <&"${TLS_SERVER[0]}"; do
        if [[ $line =~ ^ACCEPT\ .*:([0-9]+)$ ]]; then port=${BASH_REMATCH[1]}; break; fi
    done
    [ -n "$port" ] || fail "$where: openssl s_server did not start"

    # Verification on: the CA from --ca makes the certificate trusted. By
    # address (the certificate names IP:127.0.0.1): a minimal root has no
    # /etc/hosts line for localhost.
    in_target /usr/bin/socketeer --headless --tls --ca "$dir/ca.pem" 127.0.0.1 "$port" \
        --send 'GET / HTTP/1.0\r\n\r\n' --timeout 20000 >"$work/tls.out" \
        || fail "$where: the TLS exchange with --ca failed"
    grep -q '^HTTP/1.0 200 ok' "$work/tls.out" || fail "$where: no HTTP reply over TLS"
    # Without it, the same certificate is refused: exit 8, with the reason.
    local status=0
    in_target /usr/bin/socketeer --headless --tls 127.0.0.1 "$port" \
        --send 'GET / HTTP/1.0\r\n\r\n' --timeout 20000 >/dev/null 2>"$work/tls.err" || status=$?
    [ "$status" -eq 8 ] || fail "$where: a certificate from an unknown CA gave exit $status, not 8: $(cat "$work/tls.err")"
    grep -qi 'issuer' "$work/tls.err" || fail "$where: the refusal does not say why: $(cat "$work/tls.err")"
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
    server_pid=""
    rm -rf "$(host_path "$dir")"
}

# ------------------------------------------------------------ 4. this machine

step "installing the .deb on this machine with apt-get"
if dpkg-query -W -f '${db:Status-Status}' socketeer 2>/dev/null | grep -qx installed; then
    fail "socketeer is installed on this machine already; remove it first (apt-get remove socketeer)"
fi
# Which of the package's folders exist before, so that after removal those
# it brought are known to be gone.
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -n 's|^\./\(.\+\)/$|/\1|p' >"$work/deb-dirs"
while read -r dir; do [ -d "$dir" ] && echo "$dir"; done <"$work/deb-dirs" >"$work/dirs-before"
host_installed=1
apt-get install -y -qq "$deb" >"$work/apt-host.log" || { cat "$work/apt-host.log"; fail "apt-get install $deb"; }

target_root=""
check_installed_program "this machine"

step "this machine: the desktop file and icons are where desktops look"
for file in "${expected_files[@]}"; do
    [ -f "/$file" ] || fail "/$file is not installed"
done
# XDG: applications/ and icons/hicolor/ under a data dir (/usr/share);
# the desktop file's Exec found on PATH, its Icon in the hicolor theme.
[ "$(command -v "$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "/usr/share/applications/$app_id.desktop")")" = /usr/bin/socketeer ] \
    || fail "the desktop file's Exec is not /usr/bin/socketeer on PATH"
icon=$(sed -n 's/^Icon=//p' "/usr/share/applications/$app_id.desktop")
[ -f "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "no scalable icon $icon in hicolor"
for size in "${icon_sizes[@]}"; do
    [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png" ] || fail "no ${size}x${size} icon $icon in hicolor"
done
dpkg -L socketeer >"$work/dpkg-L"

step "this machine: apt-get remove leaves none of its files"
apt-get remove -y -qq socketeer >"$work/apt-remove.log" || { cat "$work/apt-remove.log"; fail "apt-get remove"; }
host_installed=0
status=$(dpkg-query -W -f '${db:Status-Status}' socketeer 2>/dev/null || true)
case "$status" in ""|not-installed|config-files) ;; *) fail "socketeer is still $status" ;; esac
leftovers=""
for file in "${expected_files[@]}"; do
    [ ! -e "/$file" ] || leftovers+=" /$file"
done
while read -r dir; do
    # A folder another package owns now (one that came as a dependency) is not ours.
    if [ -d "$dir" ] && ! grep -qxF "$dir" "$work/dirs-before" && ! dpkg-query -S "$dir" >/dev/null 2>&1; then
        leftovers+=" $dir"
    fi
done <"$work/deb-dirs"
[ -z "$leftovers" ] || fail "left behind after apt-get remove:$leftovers"

# ------------------------------------------------------------ 5. a minimal root

step "waiting for the minimal Debian 12 root"
wait "$debootstrap_pid" || { tail -5 "$build/debootstrap.log"; fail "debootstrap"; }
debootstrap_pid=""
# Debian's sources as this machine has them (same mirror, with security
# updates), name resolution, and the kernel file systems programs expect.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$fresh_root/etc/apt/sources.list.d/"
    rm -f "$fresh_root/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
    cp /etc/apt/sources.list "$fresh_root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$fresh_root/etc/resolv.conf"
mount -t proc proc "$fresh_root/proc"
mount --bind /dev "$fresh_root/dev"

target_root=$fresh_root
root_deb=/tmp/$(basename "$deb")
[ ! -e "$fresh_root/usr/bin/socketeer" ] && [ ! -d "$fresh_root/usr/lib/$multiarch/qt6" ] \
    || fail "the minimal root is not minimal"
cp "$deb" "$fresh_root$root_deb"
# A root thrown away afterwards needs no fsync after every file dpkg writes.
echo force-unsafe-io >"$fresh_root/etc/dpkg/dpkg.cfg.d/socketeer-check-unsafe-io"

step "minimal root: apt-get update"
in_target apt-get update -qq >"$work/apt-root.log" 2>&1 || { cat "$work/apt-root.log"; fail "apt-get update in the minimal root"; }

step "minimal root: downloading what $(basename "$deb") needs"
# What this machine's apt has downloaded already (CI's Qt, for one) is not
# downloaded again: apt checks each file against the root's own lists.
in_target apt-get install -qq --no-install-recommends --print-uris "$root_deb" | awk '{ print $2 }' >"$work/root-downloads"
reused=0
while read -r name; do
    if [ -f "/var/cache/apt/archives/$name" ]; then
        cp "/var/cache/apt/archives/$name" "$fresh_root/var/cache/apt/archives/"
        reused=$((reused + 1))
    fi
done <"$work/root-downloads"
echo "$(wc -l <"$work/root-downloads") packages to install, $reused of them from this machine's apt cache"
in_target apt-get install -y -qq --no-install-recommends --download-only "$root_deb" >>"$work/apt-root.log" 2>&1 \
    || { tail -30 "$work/apt-root.log"; fail "downloading in the minimal root"; }

step "minimal root: apt-get install ./$(basename "$deb") (no recommends)"
in_target apt-get install -y -qq --no-install-recommends "$root_deb" >>"$work/apt-root.log" 2>&1 \
    || { tail -30 "$work/apt-root.log"; fail "apt-get install in the minimal root"; }
for package in ca-certificates libqt6svg6; do
    [ "$(in_target dpkg-query -W -f '${db:Status-Status}' "$package")" = installed ] \
        || fail "minimal root: $package was not pulled in"
done
[ -s "$fresh_root/etc/ssl/certs/ca-certificates.crt" ] || fail "minimal root: no CA bundle"

check_installed_program "minimal root"
tls_exchange "minimal root"

step "passed"
