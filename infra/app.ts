/**
 * `npx cdk synth` / `npx cdk deploy` entry point (cdk.json "app").
 * cdk-nag's AWS Solutions pack checks every synth: a finding fails it unless acknowledged with a reason.
 */
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OperatorError } from '../lambdas/render';
import { loadTemplates } from '../lambdas/render/template';
import { DeployContextError, readDeployChoices, type DeployChoices } from './context';
import { PublisherStack } from './publisher-stack';

await checkTemplates();
const app = new App();
new PublisherStack(app, ...stackArguments());
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();

function stackArguments(): [string, DeployChoices['stackProps']] {
  try {
    const choices = readDeployChoices((key) => app.node.tryGetContext(key));
    return [choices.stackName, choices.stackProps];
  } catch (error) {
    // A mistyped -c value is the deployer's to fix: the message, not a stack trace.
    if (!(error instanceof DeployContextError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/**
 * The bundling compiles templates/ too, but a mistake there surfaces inside an uncaught CDK error,
 * and one in the theme only at the function's first start; checked first, the designer reads only
 * the located message (`brief.hbs:14:1: …`).
 */
async function checkTemplates(): Promise<void> {
  try {
    await loadTemplates(fileURLToPath(new URL('../templates', import.meta.url)));
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
