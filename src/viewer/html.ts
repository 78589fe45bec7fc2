// htm bound to Preact's h: tagged templates instead of JSX, no transpiler step.
import { h, type VNode } from 'preact';
import htm from 'htm';

export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;
