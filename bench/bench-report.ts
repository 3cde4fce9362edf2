/** The benchmark's markdown table: per figure, the median of the rounds and their spread. */
import type { Figures } from './bench-round.js';
import { percentile } from './openai-load.js';

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarise(values: readonly number[]): Summary {
  return { median: percentile(values, 0.5), min: Math.min(...values), max: Math.max(...values) };
}

const lowerIsBetter = (figure: string) => !/\/s\b/.test(figure);

function format(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

const cell = ({ median, min, max }: Summary) => `${format(median)} (${format(min)}–${format(max)})`;

/**
 * One row per figure seen in any round. The ratio is ours over theirs for rates and theirs over
 * ours for times and memory, so above 1.00 always means ours is better.
 */
export function reportTable(ours: readonly Figures[], theirs: readonly Figures[]): string {
  const names = [...new Set([...ours, ...theirs].flatMap((round) => Object.keys(round)))];
  const lines = ['| figure | ours: median (min–max) | llama-server: median (min–max) | ratio (>1: ours better) |', '| --- | ---: | ---: | ---: |'];
  for (const name of names) {
    const mine = summarise(ours.map((round) => round[name]).filter((value) => value !== undefined));
    const other = summarise(theirs.map((round) => round[name]).filter((value) => value !== undefined));
    const ratio = lowerIsBetter(name) ? other.median / mine.median : mine.median / other.median;
    lines.push(`| ${name} | ${cell(mine)} | ${cell(other)} | ${ratio.toFixed(2)} |`);
  }
  return lines.join('\n');
}
