#!/usr/bin/env bash
# Vendor the front-end libraries into web/static/vendor/ from the npm registry.
# Run by hand (make vendor) when upgrading; the output is committed, so neither the app
# nor the tests need npm or a network.  Versions and tarball hashes are pinned below:
# to upgrade, change them (npm view bootstrap@5.3 version; npm view htmx.org@2.0 version;
# npm view swagger-ui-dist@5 version; npm view mermaid@12 version; npm view chart.js@4 version;
# npm view PKG@VERSION dist.integrity) and re-run.
# swagger-ui-dist draws the API docs page (/api/v1/docs); mermaid draws the workflow diagrams
# on the administration page (/admin/workflows); chart.js draws the dashboard's charts (/dashboard).
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP_VERSION=5.3.9
BOOTSTRAP_INTEGRITY=sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w==
HTMX_VERSION=2.0.11
HTMX_INTEGRITY=sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
SWAGGER_UI_VERSION=5.35.0
SWAGGER_UI_INTEGRITY=sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==
MERMAID_VERSION=12.3.0
MERMAID_INTEGRITY=sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw==
CHARTJS_VERSION=4.6.2
CHARTJS_INTEGRITY=sha512-xachB+pPHjp0syJi7llUBA1w3kMYl6NF3o7eVrvjnWCT+IB2zMaF2pX5UYDiwbbfsioFEIRnAjreNOMsGj5TIA==

DEST=web/static/vendor

command -v npm >/dev/null || { echo "vendor.sh: npm is required (apt-get install npm)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/vendor.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

sri() {  # npm-style integrity string of a file
    node -e 'const c = require("crypto"), fs = require("fs");
             process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

fetch() {  # fetch NAME VERSION INTEGRITY -> unpacked into $TMP/NAME/package
    local name=$1 version=$2 integrity=$3 tgz actual
    (cd "$TMP" && npm pack --silent --cache "$TMP/npm-cache" "$name@$version" >/dev/null)
    tgz=$TMP/$name-$version.tgz
    actual=$(sri "$tgz")
    if [[ $actual != "$integrity" ]]; then
        echo "vendor.sh: $name@$version integrity mismatch: got $actual, pinned $integrity" >&2
        exit 1
    fi
    mkdir -p "$TMP/$name"
    tar -xzf "$tgz" -C "$TMP/$name"
}

fetch bootstrap "$BOOTSTRAP_VERSION" "$BOOTSTRAP_INTEGRITY"
fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY"
fetch swagger-ui-dist "$SWAGGER_UI_VERSION" "$SWAGGER_UI_INTEGRITY"
fetch mermaid "$MERMAID_VERSION" "$MERMAID_INTEGRITY"
fetch chart.js "$CHARTJS_VERSION" "$CHARTJS_INTEGRITY"

B=$TMP/bootstrap/package
H=$TMP/htmx.org/package
S=$TMP/swagger-ui-dist/package
M=$TMP/mermaid/package
C=$TMP/chart.js/package
mkdir -p "$DEST"

# Drop the trailing source-map comments: the .map files are not vendored, and browsers'
# developer tools would otherwise request them (404).
sed '/^\/\*# sourceMappingURL=.*\*\/$/d' "$B/dist/css/bootstrap.min.css" >"$DEST/bootstrap.min.css"
sed '/^\/\/# sourceMappingURL=/d' "$B/dist/js/bootstrap.bundle.min.js" >"$DEST/bootstrap.bundle.min.js"
sed '/^\/\/# sourceMappingURL=/d' "$H/dist/htmx.min.js" >"$DEST/htmx.min.js"
sed '/^\/\*# sourceMappingURL=.*\*\/$/d' "$S/swagger-ui.css" >"$DEST/swagger-ui.css"
sed '/^\/\/# sourceMappingURL=/d' "$S/swagger-ui-bundle.js" >"$DEST/swagger-ui-bundle.js"
sed '/^\/\/# sourceMappingURL=/d' "$M/dist/mermaid.min.js" >"$DEST/mermaid.min.js"
# The UMD build (one file, every chart type, no imports), for a plain <script src>.
sed '/^\/\/# sourceMappingURL=/d' "$C/dist/chart.umd.min.js" >"$DEST/chart.umd.min.js"
cp "$B/LICENSE" "$DEST/LICENSE-bootstrap.txt"
cp "$H/LICENSE" "$DEST/LICENSE-htmx.txt"
cat "$S/LICENSE" "$S/NOTICE" >"$DEST/LICENSE-swagger-ui.txt"
cp "$M/LICENSE" "$DEST/LICENSE-mermaid.txt"
cp "$C/LICENSE.md" "$DEST/LICENSE-chartjs.txt"

# Nothing may be fetched from elsewhere at runtime: no @import, no url() to a remote host.
# (The http://www.w3.org/2000/svg strings are XML namespaces inside data: URIs, not fetches.)
for css in bootstrap.min.css swagger-ui.css; do
    if grep -Eiq '@import|url\(["'"'"']?(https?:)?//' "$DEST/$css"; then
        echo "vendor.sh: $DEST/$css references external resources" >&2
        exit 1
    fi
done
# mermaid loads diagram code with import() in its ESM builds; the IIFE build must hold all of it.
if grep -q 'import(' "$DEST/mermaid.min.js"; then
    echo "vendor.sh: $DEST/mermaid.min.js loads code at runtime" >&2
    exit 1
fi
if grep -q 'sourceMappingURL' "$DEST"/*.css "$DEST"/*.js; then
    echo "vendor.sh: a sourceMappingURL comment survived" >&2
    exit 1
fi

{
    echo "# Vendored by scripts/vendor.sh from the npm registry. Do not edit by hand."
    echo "# Trailing sourceMappingURL comments are removed; otherwise the files are as published."
    echo "bootstrap $BOOTSTRAP_VERSION $BOOTSTRAP_INTEGRITY"
    echo "htmx.org $HTMX_VERSION $HTMX_INTEGRITY"
    echo "swagger-ui-dist $SWAGGER_UI_VERSION $SWAGGER_UI_INTEGRITY"
    echo "mermaid $MERMAID_VERSION $MERMAID_INTEGRITY"
    echo "chart.js $CHARTJS_VERSION $CHARTJS_INTEGRITY"
    echo
    echo "# sha256 of the vendored files"
    (cd "$DEST" && sha256sum bootstrap.min.css bootstrap.bundle.min.js htmx.min.js \
        swagger-ui.css swagger-ui-bundle.js mermaid.min.js chart.umd.min.js \
        LICENSE-bootstrap.txt LICENSE-htmx.txt LICENSE-swagger-ui.txt LICENSE-mermaid.txt LICENSE-chartjs.txt)
} >"$DEST/VERSIONS.txt"

echo "vendor.sh: bootstrap $BOOTSTRAP_VERSION, htmx.org $HTMX_VERSION, swagger-ui-dist $SWAGGER_UI_VERSION," \
    "mermaid $MERMAID_VERSION and chart.js $CHARTJS_VERSION in $DEST/"
ls -l "$DEST"
