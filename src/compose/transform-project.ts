import { isRunnerError, RunnerError } from '../shared/errors.js';
import { composeText, parseComposeDocument, plainValue, type ComposeDocument, type ComposeSource } from './compose-document.js';
import { composeView } from './compose-view.js';
import { interpolate, type Lookup } from './interpolate.js';
import { mergeViews } from './merge-views.js';
import { planModels, type ModelPlan } from './model-plan.js';
import { rewriteDocument } from './rewrite-document.js';

/** The Compose files of one project, read and checked, with what their models come to. */
export interface ComposeProject {
  documents: ComposeDocument[];
  plan: ModelPlan;
  /** The top-level `name`, interpolated: it becomes `-p`, since Compose 1.29 rejects the key. */
  name?: string;
  /** For each document, the services it is the last to define. */
  lastDefined: Set<string>[];
}

function inFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isRunnerError(error)) throw new RunnerError(error.code, `${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Reads and checks every file; a malformed file or a bad model reference fails here, before anything runs. */
export function loadProject(sources: readonly ComposeSource[], lookup: Lookup): ComposeProject {
  const documents = sources.map(parseComposeDocument);
  const views = documents.map((document) => inFile(document.path, () => composeView(plainValue(document))));
  const merged = mergeViews(views);
  const lastDefined = views.map((view, index) => new Set(Object.keys(view.services).filter((name) => !views.slice(index + 1).some((later) => name in later.services))));
  return {
    documents,
    plan: planModels(merged, lookup),
    ...(merged.name === undefined ? {} : { name: interpolate(merged.name, lookup) }),
    lastDefined,
  };
}

/** The files as Compose without model support reads them; the project's own documents are left untouched. */
export function transformedSources(project: ComposeProject, endpoint: string): ComposeSource[] {
  return project.documents.map((document, index) => {
    const copy = { path: document.path, doc: document.doc.clone() };
    rewriteDocument(copy.doc, { plan: project.plan, endpoint, injectInto: project.lastDefined[index]! });
    return { path: document.path, text: composeText(copy) };
  });
}
