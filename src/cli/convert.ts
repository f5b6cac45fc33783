/** `strata convert IN OUT`: a saved model in another format (the format read from IN's bytes, written as OUT's name says). */
import { modelFormatForPath, modelFromArtifacts, readModelArtifacts } from '../node/index.js';
import { Output } from './output.js';

/** The options of `strata convert`, as parsed. */
export interface ConvertOptions {
  json: boolean;
}

/** Runs `strata convert`: reads IN (any format Strata reads), builds the model to check it, and saves it to OUT. */
export async function convertCommand(source: string, target: string, options: ConvertOptions): Promise<void> {
  const out = new Output(options.json);
  const { artifacts, format: from, source: read } = await readModelArtifacts(source);
  const to = modelFormatForPath(target);
  const model = modelFromArtifacts(artifacts, read);
  try {
    await model.save(target);
    const params = model.countParams();
    const compiled = model.compiledState !== undefined;
    out.log(`Converted ${read} (${from.description}) to ${target} (${to.description}): ${model.layers.length} layers, ${params.toLocaleString('en-US')} parameters${compiled ? ', with its compile settings' : ''}.`);
    out.result({ command: 'convert', from: { path: read, format: from.name }, to: { path: target, format: to.name }, layers: model.layers.length, params, compiled });
  } finally {
    model.dispose();
  }
}
