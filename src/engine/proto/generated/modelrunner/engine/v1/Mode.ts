// Original file: engine.proto

export const Mode = {
  MODE_UNSPECIFIED: 'MODE_UNSPECIFIED',
  MODE_COMPLETION: 'MODE_COMPLETION',
  MODE_EMBEDDING: 'MODE_EMBEDDING',
} as const;

export type Mode =
  | 'MODE_UNSPECIFIED'
  | 0
  | 'MODE_COMPLETION'
  | 1
  | 'MODE_EMBEDDING'
  | 2

export type Mode__Output = typeof Mode[keyof typeof Mode]
