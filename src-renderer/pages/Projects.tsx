import { PageHeader } from '../components/PageHeader.js';
import { ProjectPicker } from '../components/ProjectPicker.js';
import type { PageProps } from '../routes.js';

export function Projects({ appInfo, refreshProject }: PageProps) {
  return (
    <div className="page">
      <PageHeader title="Projects">Create a project folder or open one you worked on before.</PageHeader>
      <ProjectPicker appInfo={appInfo} onFailure={refreshProject} />
    </div>
  );
}
