import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';
import { TableScroll } from '../table-scroll';
import { HatchPattern } from './plots';
import { OUTCOME_COLORS, seriesStyle } from './series-style';
import { useWidth } from './use-width';

/** A legend entry: a line series (by its index, which decides its style) or an outcome's bars. */
export type LegendItem =
  | { readonly kind: 'line'; readonly key: string; readonly label: string; readonly index: number }
  | { readonly kind: 'bar'; readonly key: 'succeeded' | 'failed'; readonly label: string };

/** The chart's data as a table: a header row, then a row per instant (its first cell the row's header). */
export interface ChartTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly [string, ...Array<string | number>]>;
}

/**
 * A chart as the console shows one: a title, a sentence that says what it shows ("12 jobs in flight
 * now, peak 15 at 18:31"), the legend (colour, dash and marker, or a fill), the plot at the width
 * the page gives it, and the same data as a table — hidden but read by screen readers, and shown
 * on request. `name` is the figure's `data-chart`, by which tests find it.
 */
export function ChartFigure(props: {
  readonly name: string;
  readonly title: string;
  readonly heading?: 'h2' | 'h3';
  readonly summary: string;
  readonly note?: string | undefined;
  readonly legend: readonly LegendItem[];
  readonly plot: (width: number, label: string) => ReactNode;
  readonly table: ChartTable;
}) {
  const { t } = useI18n();
  const { name, title, summary, note, legend, plot, table } = props;
  const Heading = props.heading ?? 'h3';
  const id = useId();
  const [shown, setShown] = useState(false);
  const [plotRef, width] = useWidth<HTMLDivElement>();
  const tableElement = (
    <table className="table chart-table" data-testid={`${name}-table`}>
      <caption>{t('charts.tableCaption', { title })}</caption>
      <thead>
        <tr>
          {table.columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map(([head, ...cells], row) => (
          <tr key={row}>
            <th scope="row">{head}</th>
            {cells.map((c, i) => (
              <td key={table.columns[i + 1] ?? i} className="numeric">
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <figure className="chart" data-chart={name} aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
      <figcaption className="chart__caption">
        <Heading id={`${id}-title`} className="chart__title">
          {title}
        </Heading>
        <p id={`${id}-summary`} className="chart__summary" data-testid={`${name}-summary`}>
          {summary}
        </p>
      </figcaption>
      {legend.length > 0 && (
        <ul className="chart-legend" aria-label={t('charts.legend')}>
          {legend.map((item) => (
            <li key={item.key} className="chart-legend__item">
              <LegendKey item={item} />
              {item.label}
            </li>
          ))}
        </ul>
      )}
      <div className="chart__plot" ref={plotRef}>
        {plot(width, `${title}. ${summary}`)}
      </div>
      {note && <p className="hint chart__note">{note}</p>}
      <button type="button" className="button chart__toggle" aria-expanded={shown} aria-controls={`${id}-table`} onClick={() => setShown(!shown)}>
        {shown ? t('charts.hideTable') : t('charts.showTable')}
      </button>
      <div id={`${id}-table`} className={shown ? 'chart__table' : 'visually-hidden'}>
        {shown ? <TableScroll label={t('charts.tableCaption', { title })}>{tableElement}</TableScroll> : tableElement}
      </div>
    </figure>
  );
}

/** A legend's sample: the line with its dash and marker, or a square of the bars' fill. */
function LegendKey({ item }: { readonly item: LegendItem }) {
  const hatch = `legend-hatch-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  if (item.kind === 'bar') {
    return (
      <svg className="chart-legend__key" width={16} height={16} aria-hidden="true">
        <defs>
          <HatchPattern id={hatch} />
        </defs>
        <rect x={1} y={1} width={14} height={14} fill={item.key === 'failed' ? `url(#${hatch})` : OUTCOME_COLORS.succeeded} />
      </svg>
    );
  }
  const style = seriesStyle(item.index);
  return (
    <svg className="chart-legend__key" width={34} height={16} aria-hidden="true">
      <line x1={1} x2={25} y1={8} y2={8} stroke={style.color} strokeWidth={2} strokeDasharray={style.dash || undefined} />
      <path d={style.marker} transform="translate(27,8)" fill={style.color} />
    </svg>
  );
}
