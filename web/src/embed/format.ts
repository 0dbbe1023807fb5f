// Number formatting from Power BI format strings ("#,0.00", "0.0%", "$#,0"),
// through Intl.NumberFormat. Unknown format strings fall back to a sensible default.

export type Formatter = (v: unknown) => string;

const cache = new Map<string, Formatter>();

/** Returns a formatter for a field's formatString and data type, in the given locale. */
export function formatter(formatString: string | undefined, dataType: string | undefined, locale: string): Formatter {
  const key = `${locale}|${formatString ?? ''}|${dataType ?? ''}`;
  let f = cache.get(key);
  if (!f) {
    f = build(formatString, dataType, locale);
    cache.set(key, f);
  }
  return f;
}

function build(fs: string | undefined, dataType: string | undefined, locale: string): Formatter {
  const integer = dataType === 'Int64' || dataType === 'Integer';
  let nf: Intl.NumberFormat;
  let prefix = '';
  let suffix = '';
  const m = fs ? /^([^#0]*)([#0,]*)(?:\.([#0]+))?(%?)(.*)$/.exec(fs) : null;
  if (m && (m[2] || m[3])) {
    prefix = m[1].replace(/["\\]/g, '');
    suffix = m[5].replace(/["\\]/g, '');
    const frac = m[3] ?? '';
    const min = (frac.match(/0/g) ?? []).length;
    nf = new Intl.NumberFormat(locale, {
      style: m[4] ? 'percent' : 'decimal',
      useGrouping: m[2].includes(','),
      minimumFractionDigits: min,
      maximumFractionDigits: frac.length,
    });
  } else {
    nf = new Intl.NumberFormat(locale, { maximumFractionDigits: integer ? 0 : 2 });
  }
  return (v) => {
    if (v === null || v === undefined) return '(Blank)';
    if (typeof v === 'number') return prefix + nf.format(v) + suffix;
    return String(v);
  };
}

/** Compact axis labels: 1.2K, 3.4M, 1.4B. */
export function compact(locale: string): (v: number) => string {
  const nf = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  return (v) => nf.format(v);
}
