/**
 * How the charts tell series apart without relying on colour: each series has a colour (each at
 * least 4.5:1 on the white card, so it passes as text too), a dash pattern and a marker shape, and
 * the legend shows all three. A bar series that is not the first has a hatched fill.
 */
import { symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, symbolWye, type SymbolType } from 'd3-shape';

export interface SeriesStyle {
  readonly color: string;
  /** SVG stroke-dasharray; '' for a solid line. */
  readonly dash: string;
  /** The marker at the series' last point, an SVG path centred on 0,0. */
  readonly marker: string;
}

const COLORS = ['#1d4ed8', '#b42318', '#15803d', '#92400e', '#6d28d9', '#0f766e', '#374151'];
const DASHES = ['', '7 3', '2 3', '9 3 2 3', '4 4', '12 4', '1 3'];
const SYMBOLS: readonly SymbolType[] = [symbolCircle, symbolSquare, symbolTriangle, symbolDiamond, symbolCross, symbolStar, symbolWye];

const markers = SYMBOLS.map((s) => symbol(s, 44)() ?? '');

/** The style of the `index`th series (styles repeat after seven, shifted so colour and dash pair differently). */
export function seriesStyle(index: number): SeriesStyle {
  const round = Math.floor(index / COLORS.length);
  return {
    color: COLORS[index % COLORS.length]!,
    dash: DASHES[(index + round) % DASHES.length]!,
    marker: markers[(index + 2 * round) % markers.length]!,
  };
}

/** Succeeded and failed, as the throughput bars show them: green solid, red hatched. */
export const OUTCOME_COLORS = { succeeded: '#15803d', failed: '#b42318' } as const;
