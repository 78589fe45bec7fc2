// Types of generate.mjs, for test/schemas.test.ts.
export declare const SCHEMA_FILES: Readonly<Record<'Project' | 'Tokens' | 'Layers' | 'Heads' | 'Dataset', string>>;
export declare const SAMPLE_DEFINITIONS: Readonly<Record<string, string>>;
export declare const AJV_OPTIONS: Readonly<Record<string, unknown>>;
export declare const OUTPUT: string;
export declare function readSchema(file: string): Record<string, unknown>;
export declare function dereference(node: unknown, rootSchema: unknown): unknown;
export declare function stripAnnotations(node: unknown): unknown;
export declare function dereferencedSchemas(): { kinds: Record<string, unknown>; samples: Record<string, unknown> };
/** The text of schemas.js as it should be. */
export declare function generate(): string;
export declare const LAYERS_SCHEMA: string;
/** The text of schemas/layers.schema.json as the layer definitions give it. */
export declare function generateLayersSchema(): Promise<string>;
