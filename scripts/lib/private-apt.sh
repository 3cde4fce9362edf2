# Sourced by the install scripts: apt-get with a Debian suite of its own, so packages of another
# release can be downloaded while the system's sources stay as they are.
#   private_apt CACHE_DIR SUITE    sets the array apt_options for apt-get and apt-cache, and
#                                  fetches that suite's package lists into CACHE_DIR
private_apt() {
  local cache=$1 suite=$2
  mkdir -p "$cache/parts" "$cache/lists/partial" "$cache/apt"
  cat >"$cache/parts/$suite.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  : >"$cache/none.list"
  apt_options=(-q -o "Dir::Etc::SourceList=$cache/none.list" -o "Dir::Etc::SourceParts=$cache/parts"
    -o "Dir::State::Lists=$cache/lists" -o "Dir::Cache=$cache/apt" -o APT::Sandbox::User=root)
  apt-get "${apt_options[@]}" update >/dev/null
}
