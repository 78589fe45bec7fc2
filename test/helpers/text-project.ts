// The small text-classification project most tests start from (embedding ->
// mean pool -> dense -> one 'sentiment' head, one inline dataset), written as
// files in memory. Callers vary only its name, training settings, width and samples.

export interface TextProjectOptions {
  /** the project's name; 'demo' when left out */
  readonly name?: string;
  /** YAML appended to nnc.yaml after `input` (training, monitor) */
  readonly settings?: string;
  /** units of the embedding and of the dense layer; 8 when left out */
  readonly units?: number;
  /** the inline samples of datasets/reviews.yaml, one YAML flow mapping each */
  readonly samples: readonly string[];
}

/** nnc.yaml, layers.yaml, heads.yaml and datasets/reviews.yaml, by path. */
export function textProject({ name = 'demo', settings = '', units = 8, samples }: TextProjectOptions): Record<string, string> {
  return {
    'nnc.yaml': `apiVersion: nnc/v1
kind: Project
name: ${name}
input:
  type: text
  maxLength: 8
${settings}`,
    'layers.yaml': `apiVersion: nnc/v1
kind: Layers
layers:
  - {name: embed, type: embedding, units: ${units}}
  - {name: pool, type: pool, mode: mean}
  - {name: hidden, type: dense, units: ${units}, activation: relu}
`,
    'heads.yaml': `apiVersion: nnc/v1
kind: Heads
heads:
  - name: sentiment
    attach: hidden
    task: classification
    loss: crossentropy
`,
    'datasets/reviews.yaml': `apiVersion: nnc/v1
kind: Dataset
name: reviews
type: binary_classification
head: sentiment
samples:
${samples.map((sample) => `  - ${sample}\n`).join('')}`,
  };
}
