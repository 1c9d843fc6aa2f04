/** Accumulates a repeatable flag (`--tag a --tag b`) into a list, as commander's option parser. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
