# bench/lib/prepare.sh: sourced by run.sh and profile.sh before they re-run
# themselves under pg_virtualenv (needs BENCH, ROOT and log set).

# bench_prepare DEPS BUILD: installs what the bench needs (DEPS=1:
# bench/install-deps.sh) and builds and installs the extension from this tree
# (BUILD=1; sudo for the install when not root).
bench_prepare() {
	local deps=$1 build=$2 sudo=()
	if [ "$deps" = 1 ]; then
		bash "$BENCH/install-deps.sh" >&2
	fi
	if [ "$build" = 1 ]; then
		[ "$(id -u)" -ne 0 ] && sudo=(sudo)
		log "building and installing the extension from $ROOT"
		make -s -C "$ROOT" >&2
		"${sudo[@]}" make -s -C "$ROOT" install >&2
	fi
}
