# shellcheck shell=bash
# scripts/lib/deps.sh: sourced by scripts/install-deps.sh and
# bench/install-deps.sh (needs ROOT, the repository root). Both are
# idempotent: apt and npm run only for what is missing; sudo when not root.

# apt_install_missing LABEL PKG...: installs those of PKG that dpkg does not
# list as installed (apt-get update first), or says that all are present.
apt_install_missing() {
	local label=$1 p sudo=() missing=()
	shift
	for p in "$@"; do
		if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
			missing+=("$p")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "$label: all Debian packages present"
		return 0
	fi
	[ "$(id -u)" -ne 0 ] && sudo=(sudo)
	echo "$label: installing ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# npm_ci_if_needed LABEL DIR PKG: npm ci --prefix ROOT/DIR (its lockfile) when
# PKG is missing there or is not the version DIR/package.json pins.
npm_ci_if_needed() {
	local label=$1 dir="$ROOT/$2" pkg=$3 want have
	want="$(PKG_DIR="$dir" PKG="$pkg" node -p "require(process.env.PKG_DIR + '/package.json').dependencies[process.env.PKG]")"
	have="$(PKG_DIR="$dir" PKG="$pkg" node -p "try { require(process.env.PKG_DIR + '/node_modules/' + process.env.PKG + '/package.json').version } catch (e) { '' }")"
	if [ "$have" != "$want" ]; then
		echo "$label: npm ci --prefix $2 ($pkg $want)"
		npm ci --prefix "$dir" --no-audit --no-fund
	else
		echo "$label: $pkg $have present in $2"
	fi
}
