# Sourced by the scripts: puts the npm-installed wasm-opt on PATH for Trunk.
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"
