import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { CreateLedger } from '../engine/createLedger';

/**
 * The ledger of this run's creates, shared by every try n8n's Retry On Fail makes of it (see
 * docs/reliability.md for what n8n keeps between tries).
 *
 * As an AI agent's tool, n8n (1.x, and 2.x's agents that call tools directly) runs each try as a new
 * run with a new run index, exactly like a second call of the tool with the same arguments: a retry
 * cannot be told from a new request, so with Retry On Fail on the node would pay again. It refuses to
 * start there, before anything is paid for.
 */
export function openCreateLedger(ctx: IExecuteFunctions): CreateLedger {
	const node = ctx.getNode();
	if (node.retryOnFail === true && node.type.endsWith('Tool')) {
		throw new NodeOperationError(node, 'Turn off Retry On Fail in the settings of this tool: with it, a retry could pay for every video again', {
			description:
				'When an AI agent calls the Veo tool, n8n runs every try of Retry On Fail as a new call, which the node cannot tell from a new request for the same video. Nothing was submitted. Turn off Retry On Fail in the Settings tab of the Veo tool; the agent can call it again itself.',
		});
	}
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	return CreateLedger.open(ctx.getContext('node'), runIndex);
}
