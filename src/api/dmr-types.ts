/** Wire types of DMR's model API and OpenAI's model endpoints (reference §2.1, §2.2, §3.1). */

/** The model config DMR reports; every field optional, as in DMR. */
export interface ModelConfig {
  format?: string;
  quantization?: string;
  parameters?: string;
  architecture?: string;
  size?: string;
  gguf?: Record<string, string>;
  context_size?: number;
}

export interface Model {
  id: string;
  tags?: string[];
  created: number;
  config: ModelConfig;
}

export type DeleteAction = { Untagged: string } | { Deleted: string };

export interface TagResponse {
  message: string;
  target: string;
}

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'docker';
  dmr?: {
    context_window?: number;
    architecture?: string;
    parameters?: string;
    quantization?: string;
    size?: string;
  };
}

export interface OpenAIModelList {
  object: 'list';
  data: OpenAIModel[];
}

/** One line of a pull, push or load progress stream (reference §2.1). */
export interface ProgressMessage {
  type: 'progress' | 'success' | 'warning' | 'error';
  message: string;
  total: number;
  layer: { id?: string; size: number; current: number };
  mode?: 'pull' | 'push';
}

/** One row of `GET /engines/ps`. */
export interface RunningModel {
  backend_name: string;
  model_name: string;
  mode: string;
  last_used?: string;
  in_use?: boolean;
  keep_alive?: string;
  loading?: boolean;
}

/** `GET /engines/df`, in bytes. */
export interface DiskUsage {
  models_disk_usage: number;
  default_backend_disk_usage: number;
}
