// @ts-check
/**
 * A Stryker ignorer (https://stryker-mutator.io/docs/stryker-js/disable-mutants/#using-an-ignore-plugin):
 * mutants inside a statement that only calls the handlers' `log(...)` (lambda/lib/log.ts) are
 * reported as Ignored. Those statements write CloudWatch lines; their wording and fields are not
 * behaviour the tests pin down (every failure a user sees travels in the response's Reason, which
 * the handler tests assert). Everything else in lambda/ is mutated.
 */
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-statements', {
    /** @param {import('@babel/core').NodePath} path */
    shouldIgnore(path) {
      const node = path.node;
      if (node.type === 'ExpressionStatement' && node.expression.type === 'CallExpression'
        && node.expression.callee.type === 'Identifier' && node.expression.callee.name === 'log') {
        return 'log(...) lines: CloudWatch wording, not behaviour (user-facing failures are in Reason, which the tests assert)';
      }
      return undefined;
    },
  }),
];
