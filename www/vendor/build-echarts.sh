#!/usr/bin/env bash
# Rebuilds www/vendor/echarts.js: a tree-shaken ECharts bundle with only what the page uses.
# Needs node + npm (registry access); run from anywhere, builds in a scratch directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ECHARTS=6.1.0
ESBUILD=0.28.2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "echarts@$ECHARTS" "esbuild@$ESBUILD" >/dev/null
cat > entry.js <<'JS'
import * as echarts from 'echarts/core';
import { LineChart, HeatmapChart, BarChart, FunnelChart, SankeyChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent, DataZoomComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
echarts.use([LineChart, HeatmapChart, BarChart, FunnelChart, SankeyChart, GridComponent, TooltipComponent, VisualMapComponent,
  DataZoomComponent, LegendComponent, CanvasRenderer, SVGRenderer]);
export { init, getInstanceByDom, use, graphic, version } from 'echarts/core';
JS
npx esbuild entry.js --bundle --minify --format=esm --target=es2020 --legal-comments=none \
  --banner:js="/*! Apache ECharts $ECHARTS (Apache-2.0) with ZRender (BSD-3-Clause) and tslib (0BSD): tree-shaken subset built by www/vendor/build-echarts.sh; licences in www/vendor/LICENSE-*. */" \
  --outfile="$here/echarts.js"
cp node_modules/echarts/LICENSE "$here/LICENSE-echarts"
cp node_modules/echarts/NOTICE "$here/NOTICE-echarts"
cp node_modules/zrender/LICENSE "$here/LICENSE-zrender"
cp node_modules/tslib/LICENSE.txt "$here/LICENSE-tslib"
echo "built $here/echarts.js ($(wc -c < "$here/echarts.js") bytes)"
