/** Creating another workspace (the signed-in person becomes its owner), then switching to it. */
import { type FormEvent, useState } from 'react';
import { accountApi } from './account-api';
import { api, type NewWorkspace } from './api';
import { ErrorNotice } from './controls';
import { useAction, useSession } from './session';
import { emptyWorkspace, WorkspaceFields } from './WorkspaceFields';

export function CreateWorkspace() {
  const { me, setMe } = useSession();
  const [workspace, setWorkspace] = useState<NewWorkspace>(emptyWorkspace);
  const action = useAction();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const { id } = await accountApi.createWorkspace(
        { ...workspace, name: workspace.name.trim() },
        me.csrfToken,
      );
      setMe(await api.switchWorkspace(id, me.csrfToken));
    });
  };

  return (
    <form className="form-narrow" onSubmit={submit} aria-busy={action.busy} aria-label="Create a workspace">
      <ErrorNotice error={action.error} />
      <WorkspaceFields
        value={workspace}
        onChange={setWorkspace}
        error={action.error}
        pointer=""
        idPrefix="new-workspace"
      />
      <button type="submit" className="button primary" disabled={action.busy}>
        Create workspace
      </button>
    </form>
  );
}
