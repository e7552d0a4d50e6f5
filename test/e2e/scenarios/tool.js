'use strict';
/**
 * Example 6's Veo tool node, unchanged, run by n8n's own Tool Executor node (what the editor uses to run
 * one tool node alone) with the arguments an agent would give; no chat model is needed.
 */
const assert = require('node:assert/strict');
const { nodeItems } = require('../../../scripts/lib/n8n-rest');
const { TOOL_TYPE, readExample } = require('../fixtures');
const { executeOk, since, checkBearer } = require('../checks');

const TOOL_WF_ID = 'veoE2eToolExec01';
const TOOL_ARGS = { prompt: 'A red fox trotting through fresh snow, low angle' };

/**
 * The Veo tool node of examples/06-ai-agent-tool.json, unchanged, driven by n8n's own Tool Executor
 * node (what the editor uses to run one tool node alone) with the arguments an agent would give.
 */
function toolExecutorWorkflow(major) {
	const example = readExample('06-ai-agent-tool.json');
	const tool = example.nodes.find((n) => n.type === TOOL_TYPE);
	return {
		id: TOOL_WF_ID,
		name: 'e2e: the Veo tool of example 6, run by the Tool Executor',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'f0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'f0000000-0000-4000-8000-000000000002',
				name: 'Tool Executor',
				type: '@n8n/n8n-nodes-langchain.toolExecutor',
				typeVersion: 1,
				position: [300, 0],
				// 1.x passes the whole query to the tool; 2.x looks the arguments up by the tool's node name.
				// (the tool is named after the node, spaces turned into underscores).
				parameters: {
					query: JSON.stringify(major >= 2 ? { [tool.name.replace(/\s/g, '_')]: TOOL_ARGS } : TOOL_ARGS),
					toolName: '',
				},
			},
			tool,
		],
		connections: {
			Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
			[tool.name]: { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
		},
	};
}

module.exports = {
	name: 'tool',
	about: "example 6's Veo tool node run by the Tool Executor with AI-style arguments",
	workflows: (ctx) => [toolExecutorWorkflow(ctx.major)],
	async run(ctx) {
		const { instance, emu } = ctx;

		await ctx.check(`example 6's Veo tool node, called with AI-style arguments (Tool Executor, no model)`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(TOOL_WF_ID), TOOL_WF_ID);
			const [out] = nodeItems(runJson, 'Tool Executor');
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1, `the tool made one video; output: ${JSON.stringify(out).slice(0, 400)}`);
			const body = seen.creates[0].body;
			assert.equal(body.action, 'text2video');
			assert.equal(body.prompt, TOOL_ARGS.prompt, 'prompt from $fromAI');
			// n8n 1.x lets the model fill no options field, so the example fixes the aspect ratio.
			assert.equal(body.aspect_ratio, '16:9', 'the aspect ratio set in the example');
			assert.equal(body.model, 'veo31-fast');
			const text = JSON.stringify(out.json);
			assert.ok(text.includes(seen.creates[0].taskId), `the tool result names the task: ${text.slice(0, 400)}`);
			assert.ok(text.includes('succeeded'), 'the tool result says succeeded');
			assert.ok(text.includes(emu.videoUrl(seen.creates[0].taskId)), 'the tool result has the video URL');
			checkBearer(seen.all);
		});
	},
};
