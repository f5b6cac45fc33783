/**
 * How a layer's parameter count is made, for `summary({ explain: true })`: one template filled
 * twice, with the lesson's symbols (`(in + 1) × out`) and with the layer's numbers (`(784 + 1) × 100`),
 * so that the two cannot drift apart.
 */

/** A layer's parameter count as a formula, in symbols and in numbers. */
export interface ParamFormula {
  /** In symbols: `(in + 1) × out`. */
  symbols: string;
  /** The same with the layer's sizes: `(784 + 1) × 100`; it evaluates to the layer's `countParams()`. */
  numbers: string;
  /** What the formula does not say, such as which of the parameters are not trained. */
  note?: string;
}

/** A named size of a layer: `in` = 784. */
export interface ParamTerm {
  /** As the lesson writes it: `in`, `cout`, `units`. */
  symbol: string;
  /** This layer's size. */
  value: number;
}

/**
 * A named size, to fill into a {@link paramFormula} template.
 *
 * @example
 * term('in', 784); // { symbol: 'in', value: 784 }
 */
export function term(symbol: string, value: number): ParamTerm {
  return { symbol, value };
}

/** What a template takes: a named size, a formula (filled in as it is), or text written the same in both. */
export type FormulaPart = ParamTerm | ParamFormula | string | number;

/**
 * A formula from a template whose parts are named sizes, nested formulas and plain text.
 *
 * @example
 * paramFormula`(${term('in', 784)} + 1) × ${term('out', 100)}`;
 * // { symbols: '(in + 1) × out', numbers: '(784 + 1) × 100' }
 */
export function paramFormula(strings: TemplateStringsArray, ...parts: FormulaPart[]): ParamFormula {
  const fill = (side: (p: FormulaPart) => string): string => strings.reduce((text, s, i) => text + s + (i < parts.length ? side(parts[i]!) : ''), '');
  return {
    symbols: fill((p) => (typeof p === 'object' ? ('symbol' in p ? p.symbol : p.symbols) : String(p))),
    numbers: fill((p) => (typeof p === 'object' ? ('value' in p ? String(p.value) : p.numbers) : String(p))),
  };
}

/** The lesson's names of a window's sides, by its number of spatial axes. */
const WINDOW_NAMES: Record<number, string[]> = { 1: ['k'], 2: ['kh', 'kw'], 3: ['kd', 'kh', 'kw'] };

/**
 * The product of a kernel's window: `k` for one spatial axis, `kh × kw` for two, `kd × kh × kw` for three.
 *
 * @example
 * windowFormula([3, 3]); // { symbols: 'kh × kw', numbers: '3 × 3' }
 */
export function windowFormula(kernelSize: readonly number[]): ParamFormula {
  const names = WINDOW_NAMES[kernelSize.length] ?? kernelSize.map((_, i) => `k${i + 1}`);
  return { symbols: names.join(' × '), numbers: kernelSize.join(' × ') };
}

/**
 * The parameters of a convolution with `cin` input channels in `groups` groups and `cout` output
 * channels: a weight per tap of the window, input channel of the group and output channel, and a
 * bias per output channel.
 *
 * @example
 * convFormula([3, 3], 1, 32, true); // (kh × kw × cin + 1) × cout = (3 × 3 × 1 + 1) × 32
 */
export function convFormula(kernelSize: readonly number[], cin: number, cout: number, useBias: boolean, groups = 1): ParamFormula {
  const window = windowFormula(kernelSize);
  const inputs = groups > 1 ? paramFormula`${window} × ${term('cin', cin)} / ${term('groups', groups)}` : paramFormula`${window} × ${term('cin', cin)}`;
  const out = term('cout', cout);
  return useBias ? paramFormula`(${inputs} + 1) × ${out}` : paramFormula`${inputs} × ${out}`;
}

/**
 * Several formulas added up; a part that is itself a sum needs no parentheses, a product of a sum does.
 *
 * @example
 * sumFormula([paramFormula`${term('a', 2)}`, paramFormula`${term('b', 3)}`]); // a + b = 2 + 3
 */
export function sumFormula(parts: readonly ParamFormula[]): ParamFormula {
  return { symbols: parts.map((p) => p.symbols).join(' + '), numbers: parts.map((p) => p.numbers).join(' + ') };
}
