// PodTemplate: a stored pod template (its table has no AGE column upstream).

import type { KindDeclaration } from '../../kind.ts';
import { containerCells, formatLabels } from './format.ts';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './podSpec.ts';

export const podTemplate: KindDeclaration = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the pod template.', cell: (t) => t.metadata?.name },
    { name: 'Containers', type: 'string', description: 'Names of each container in the template.', cell: (t) => containerCells(t.template?.spec?.containers).names },
    { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', cell: (t) => containerCells(t.template?.spec?.containers).images },
    { name: 'Pod Labels', type: 'string', description: 'The labels for the pod template.', cell: (t) => formatLabels(t.template?.metadata?.labels) },
  ],
  defaults: (t) => {
    t.template ??= {};
    defaultPodTemplateSpec(t.template);
  },
  validate: (t) => validatePodTemplateSpec(t.template, 'template'),
};
