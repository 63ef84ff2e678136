// The '/workers' route: the Workers panel under a page header.
import { PageHeader } from '../PageHeader.js';
import type { PageProps } from '../../routes.js';
import { WorkersPanel } from './WorkersPanel.js';

export function WorkersPage(_props: PageProps) {
  return (
    <div className="page page--wide">
      <PageHeader title="Workers">Generation and corpus embedding on other machines: shards of passages on a Redis queue, taken by `genq worker`s.</PageHeader>
      <WorkersPanel />
    </div>
  );
}
