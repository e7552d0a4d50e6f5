import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import * as get1080p from './get1080p.operation';
import * as getTask from './getTask.operation';
import * as imageToVideo from './imageToVideo.operation';
import * as ingredientsToVideo from './ingredientsToVideo.operation';
import * as textToVideo from './textToVideo.operation';

/** An operation's entry in the Operation field; `value` is what workflows store, so it never changes. */
export interface OperationOption {
	name: string;
	value: string;
	action: string;
	description: string;
}

/** What every `*.operation.ts` exports: its entry, its fields (shown only for it) and its run. */
export interface Operation {
	option: OperationOption;
	description: INodeProperties[];
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

/**
 * The node's operations: the one list to extend with a new operation. The node builds the Operation
 * field, its subtitle and its fields from it, and the router runs from it. The first is the default,
 * and the fields appear in this order.
 */
export const operations: readonly Operation[] = [textToVideo, imageToVideo, ingredientsToVideo, get1080p, getTask];

/** The operation stored under that value, if the node has one. */
export function operationNamed(value: string): Operation | undefined {
	return operations.find((operation) => operation.option.value === value);
}

const defaultOperation = operations[0].option.value;

/** The Operation field; n8n's lint wants its options sorted by name (the list's order is the fields' order). */
export const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: operations.map((operation) => operation.option).sort((a, b) => a.name.localeCompare(b.name)),
	default: defaultOperation,
};

/** The operation's name above the node on the canvas: `{ textToVideo: "Text to Video", … }[operation]`. */
export const operationSubtitle = `={{ { ${operations
	.map(({ option }) => `${option.value}: ${JSON.stringify(option.name)}`)
	.join(', ')} }[$parameter["operation"]] }}`;

/** Every operation's fields, each shown only for its own operation. */
export const operationProperties: INodeProperties[] = operations.flatMap((operation) => operation.description);
