/**
 * Imported first by the command-line tools. The AWS SDK warns on every run under Node 20 that
 * its 2027 releases will need Node 22; the project supports Node 20 and Lambda runs 22, so
 * the notice only hides the tool's own output. An explicit setting by the user still wins.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
