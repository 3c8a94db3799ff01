#!/usr/bin/env bash
# Makes TorchSharp 0.107's libLibTorchSharp.so load on Debian 12 (GCC 12's libstdc++).
# It is built with GCC 13 and needs one symbol of GLIBCXX_3.4.32: _ZSt21ios_base_library_initv.
# We give it that symbol from a tiny shim, clear the symbol's version, weaken the version need.
# Usage: patch.sh DIR   (the folder that holds libLibTorchSharp.so: a build or publish output)
# Idempotent; a no-op where the system libstdc++ already has GLIBCXX_3.4.32 (Ubuntu 24.04, Debian 13).
set -euo pipefail
dir=${1:?usage: patch.sh DIR}
lib="$dir/libLibTorchSharp.so"
here=$(cd "$(dirname "$0")" && pwd)
shim=libtorchsharp-glibcxx-shim.so
[ -f "$lib" ] || exit 0

libstdcxx=$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/{print $NF; exit}')
if grep -qa 'GLIBCXX_3\.4\.32' "${libstdcxx:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}"; then
  exit 0
fi
for tool in patchelf g++ python3; do
  command -v "$tool" >/dev/null || { echo "patch.sh: error: '$tool' is needed to make TorchSharp load on this system (apt-get install patchelf g++ python3)" >&2; exit 1; }
done

# Builds that share an output folder must not patch one file at the same time.
exec 9>"$dir/.libtorchsharp-patch.lock"
flock 9
if patchelf --print-needed "$lib" | grep -qx "$shim"; then
  exit 0
fi

g++ -shared -fPIC -O2 -o "$dir/$shim" "$here/ios_base_library_init.cpp"
# Work on a private copy: the output file may be a hard link into the NuGet cache.
cp "$lib" "$lib.patching"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$lib.patching"
python3 "$here/weaken_verneed.py" "$lib.patching" GLIBCXX_3.4.32
patchelf --add-needed "$shim" "$lib.patching"
mv -f "$lib.patching" "$lib"
