// Bar, column, line, area, pie and donut charts, drawn with ECharts. Only the
// chart types and components used here are imported, to keep the bundle small.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { Data, Selection, Visual, VisualContext, label, roleColumns, sameSelection, text } from './common';
import { isMeasure } from './common';
import { compact } from '../format';

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

/** Power BI's default palette, so reports look familiar. */
const palette = ['#118DFF', '#12239E', '#E66C37', '#6B007B', '#E044A7', '#744EC2', '#D9B300', '#D64550', '#197278', '#1AAB40'];

type Kind = 'bar' | 'column' | 'line' | 'area' | 'pie' | 'donut';

/** The chart kinds and whether they stack, by Power BI visual type. */
export const chartTypes: Record<string, { kind: Kind; stacked?: boolean }> = {
  clusteredBarChart: { kind: 'bar' },
  stackedBarChart: { kind: 'bar', stacked: true },
  barChart: { kind: 'bar', stacked: true },
  clusteredColumnChart: { kind: 'column' },
  stackedColumnChart: { kind: 'column', stacked: true },
  columnChart: { kind: 'column', stacked: true },
  lineChart: { kind: 'line' },
  areaChart: { kind: 'area' },
  stackedAreaChart: { kind: 'area', stacked: true },
  pieChart: { kind: 'pie' },
  donutChart: { kind: 'donut' },
};

/** A point of a series: its value and the selection it stands for. */
interface Point {
  value: number | null;
  sel: Selection;
}

export function chart(ctx: VisualContext, kind: Kind, stacked = false): Visual {
  let inst: echarts.ECharts | null = null;
  let pending: (() => void) | null = null;
  let model: { categories: string[]; series: { name: string; points: Point[]; fmt: (v: unknown) => string }[] } | null = null;
  const short = compact(ctx.locale);

  const isOn = (p: Point) => {
    const cur = ctx.selected();
    return cur.length === 0 || cur.some((s) => sameSelection(s, p.sel) || (s.identity.length < p.sel.identity.length && s.identity.every((x, i) => x.value === p.sel.identity[i].value)));
  };

  const option = (): echarts.EChartsCoreOption => {
    const m = model!;
    const dim = (p: Point) => (isOn(p) ? undefined : { opacity: 0.3 });
    const tooltip = { trigger: kind === 'pie' || kind === 'donut' ? 'item' : 'axis', confine: true };
    if (kind === 'pie' || kind === 'donut') {
      const s = m.series[0];
      return {
        animation: false,
        color: palette,
        aria: { enabled: true },
        tooltip: { ...tooltip, valueFormatter: s?.fmt },
        series: [
          {
            type: 'pie',
            radius: kind === 'donut' ? ['45%', '72%'] : '72%',
            center: ['50%', '52%'],
            label: { formatter: '{b}: {d}%', fontSize: 11 },
            data: (s?.points ?? []).map((p, i) => ({ name: m.categories[i], value: p.value, itemStyle: dim(p) })),
          },
        ],
      };
    }
    const horizontal = kind === 'bar';
    const catAxis = { type: 'category', data: m.categories, inverse: horizontal, axisLabel: { hideOverlap: true, fontSize: 11 } };
    const valAxis = { type: 'value', axisLabel: { formatter: short, fontSize: 11 } };
    return {
      animation: false,
      color: palette,
      aria: { enabled: true },
      tooltip: { ...tooltip, valueFormatter: m.series[0]?.fmt },
      legend: m.series.length > 1 ? { top: 0, type: 'plain', textStyle: { fontSize: 11 } } : undefined,
      grid: { left: 8, right: 16, top: m.series.length > 1 ? 28 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? valAxis : catAxis,
      yAxis: horizontal ? catAxis : valAxis,
      series: m.series.map((s) => ({
        type: kind === 'line' || kind === 'area' ? 'line' : 'bar',
        name: s.name,
        stack: stacked ? 'total' : undefined,
        areaStyle: kind === 'area' ? { opacity: 0.35 } : undefined,
        showSymbol: kind === 'line' || kind === 'area',
        symbolSize: 6,
        emphasis: { focus: 'none' },
        data: s.points.map((p) => ({ value: p.value, itemStyle: dim(p) })),
      })),
    };
  };

  const draw = () => {
    if (!inst) {
      inst = echarts.init(ctx.el, undefined, { renderer: 'svg' });
      // 'finished' fires once a frame is fully drawn: only then is the visual painted.
      inst.on('finished', () => {
        const p = pending;
        pending = null;
        p?.();
      });
      inst.on('click', (e: any) => {
        const p = model?.series[e.seriesIndex ?? 0]?.points[e.dataIndex];
        if (!p || kind === 'line' || kind === 'area') return;
        ctx.select(ctx.selected().some((s) => sameSelection(s, p.sel)) ? null : [p.sel]);
      });
      // Lines: a click anywhere in the plot selects the nearest category; bars and pies: a click on empty space clears.
      inst.getZr().on('click', (e: any) => {
        if (!model) return;
        if (kind === 'line' || kind === 'area') {
          const pt = [e.offsetX, e.offsetY];
          if (!inst!.containPixel('grid', pt)) return;
          const idx = Math.round((inst!.convertFromPixel({ seriesIndex: 0 }, pt) as number[])[0]);
          const sel = model.series[0]?.points[idx]?.sel;
          if (!sel) return;
          const catSel: Selection = { identity: sel.identity.slice(0, 1), values: model.series.map((s) => ({ ...s.points[idx].sel.values[0] })) };
          ctx.select(ctx.selected().some((s) => sameSelection(s, catSel)) ? null : [catSel]);
        } else if (!e.target && ctx.selected().length) {
          ctx.select(null);
        }
      });
    }
    inst.setOption(option(), { notMerge: true });
  };

  return {
    render(d: Data, done) {
      const { groups, values } = roleColumns(ctx.def, d.columns, (f) => isMeasure(ctx, f));
      const splitG = kind === 'pie' || kind === 'donut' ? undefined : groups.find((g) => g.role === 'legend' || g.role === 'series');
      const catG = groups.find((g) => g !== splitG);
      const cats = new Map<string, unknown>();
      for (const row of d.rows) {
        const k = catG ? text(row[catG.index]) : '';
        if (!cats.has(k)) cats.set(k, catG ? row[catG.index] : '');
      }
      const catIdx = new Map([...cats.keys()].map((k, i) => [k, i]));
      const series: NonNullable<typeof model>['series'] = [];
      const v0 = values[0];
      const idOf = (row: unknown[]) => (catG ? [{ field: catG.field, value: row[catG.index] }] : []);
      if (splitG && v0) {
        const byKey = new Map<string, Point[]>();
        for (const row of d.rows) {
          const sk = text(row[splitG.index]);
          let pts = byKey.get(sk);
          if (!pts) {
            pts = [...cats.values()].map((c) => ({ value: null, sel: { identity: catG ? [{ field: catG.field, value: c }, { field: splitG.field, value: row[splitG.index] }] : [], values: [] } }));
            byKey.set(sk, pts);
            series.push({ name: sk, points: pts, fmt: ctx.format(v0.col) });
          }
          const i = catIdx.get(catG ? text(row[catG.index]) : '')!;
          pts[i] = { value: row[v0.index] as number, sel: { identity: [...idOf(row), { field: splitG.field, value: row[splitG.index] }], values: [{ field: v0.field, value: row[v0.index] }] } };
        }
      } else {
        for (const v of kind === 'pie' || kind === 'donut' ? values.slice(0, 1) : values) {
          const pts: Point[] = [];
          for (const row of d.rows) pts[catIdx.get(catG ? text(row[catG.index]) : '')!] = { value: row[v.index] as number, sel: { identity: idOf(row), values: [{ field: v.field, value: row[v.index] }] } };
          series.push({ name: label(ctx.def, v.col), points: pts, fmt: ctx.format(v.col) });
        }
      }
      model = { categories: [...cats.keys()], series };
      pending = done;
      draw();
      // Should 'finished' never come (a zero-sized frame), the page still completes.
      setTimeout(() => {
        if (pending === done) {
          pending = null;
          done();
        }
      }, 2000);
    },
    highlight() {
      if (model && inst) inst.setOption(option(), { notMerge: true });
    },
    resize() {
      inst?.resize();
    },
    dispose() {
      inst?.dispose();
      inst = null;
    },
  };
}
