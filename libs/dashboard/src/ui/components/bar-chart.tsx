import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { useColorScheme } from './use-color-scheme.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** One series of a bar chart. */
export interface Series {
  label: string;
  values: Array<number | null>;
  /** A CSS custom property of styles.css giving the colour, e.g. `--chart-1`. */
  colour: string;
}

interface BarChartProps {
  /** The chart's title, also its accessible name. */
  title: string;
  labels: string[];
  series: Series[];
  /** Bars across rather than up, for long labels such as step names. */
  horizontal?: boolean;
  /** The unit of the values, for the axis. */
  unit?: string;
}

/** A Chart.js bar chart in the page's colours (light or dark, read from CSS), with a hidden table of its figures. */
export function BarChart({ title, labels, series, horizontal = false, unit }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Canvas colours are read from CSS when drawn: the chart is drawn again when the scheme changes.
  const scheme = useColorScheme();
  useEffect(() => {
    if (!canvas.current) return;
    const style = getComputedStyle(document.documentElement);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    const text = colour('--text');
    const grid = colour('--border');
    const valueAxis = {
      beginAtZero: true,
      ticks: { color: text },
      grid: { color: grid },
      ...(unit ? { title: { display: true, text: unit, color: text } } : {}),
    };
    const labelAxis = { ticks: { color: text }, grid: { color: grid } };
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((one) => ({ label: one.label, data: one.values, backgroundColor: colour(one.colour) })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { color: text } } },
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify({ labels, series, horizontal, unit, scheme })]);
  const height = horizontal ? Math.max(160, labels.length * series.length * 22 + 60) : 240;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div style={{ height: `${height}px`, position: 'relative' }}>
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <div class="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{unit ?? 'item'}</th>
              {series.map((one) => (
                <th scope="col" key={one.label}>
                  {one.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, index) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((one) => (
                  <td key={one.label}>{one.values[index] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
