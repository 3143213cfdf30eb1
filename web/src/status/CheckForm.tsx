/**
 * Creating a health check: an HTTP URL or a TCP host:port, how often it runs and what fails it. The
 * server refuses private addresses (SSRF guard) and says why; the refusal shows above the form.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field, TextField } from '../AuthCard';
import { FormCard } from '../controls';
import { useAction, useSession } from '../session';
import { type Check, type CheckInput, monitorApi, type StatusComponent } from '../status-api';
import { numberOf } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly components: readonly StatusComponent[];
  readonly onCreated: (check: Check) => void;
}

export function CheckForm({ workspace, components, onCreated }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'http' | 'tcp'>('http');
  const [target, setTarget] = useState('');
  const [intervalS, setIntervalS] = useState('60');
  const [timeoutS, setTimeoutS] = useState('');
  const [keyword, setKeyword] = useState('');
  const [latency, setLatency] = useState('');
  const [failures, setFailures] = useState('2');
  const [passes, setPasses] = useState('1');
  const [component, setComponent] = useState('');
  const seconds = (text: string) => {
    const n = numberOf(text);
    return n === undefined ? undefined : Math.round(n * 1000);
  };

  const input = (): CheckInput => {
    const intervalMs = seconds(intervalS);
    const timeoutMs = seconds(timeoutS);
    const latencyThresholdMs = numberOf(latency);
    const failureThreshold = numberOf(failures);
    const recoveryThreshold = numberOf(passes);
    return {
      name: name.trim(),
      kind,
      target: target.trim(),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(kind === 'http' && keyword ? { keyword } : {}),
      ...(latencyThresholdMs !== undefined ? { latencyThresholdMs } : {}),
      ...(failureThreshold !== undefined ? { failureThreshold } : {}),
      ...(recoveryThreshold !== undefined ? { recoveryThreshold } : {}),
      ...(component ? { component } : {}),
    };
  };

  return (
    <FormCard
      titleId="check-add-title"
      title="Create a health check"
      action={action}
      submitLabel="Create check"
      disabled={!name.trim() || !target.trim()}
      onSubmit={async () => {
        const check = await monitorApi.addCheck(workspace.id, input(), me.csrfToken);
        setName('');
        setTarget('');
        setKeyword('');
        onCreated(check);
      }}
    >
      <p className="form-lead muted">
        It runs at once, then at every interval. Private addresses are refused.
      </p>
      <TextField id="check-name" label="Name" value={name} onValue={setName} maxLength={200} />
      <Field id="check-kind" label="Kind">
        <select id="check-kind" value={kind} onChange={(e) => setKind(e.target.value as 'http' | 'tcp')}>
          <option value="http">HTTP</option>
          <option value="tcp">TCP</option>
        </select>
      </Field>
      <TextField
        id="check-target"
        label={kind === 'http' ? 'URL' : 'Host and port'}
        placeholder={kind === 'http' ? 'https://api.example.com/health' : 'db.example.com:5432'}
        value={target}
        onValue={setTarget}
        maxLength={2000}
      />
      <TextField
        id="check-interval"
        label="Interval (seconds)"
        type="number"
        min={10}
        max={86_400}
        value={intervalS}
        onValue={setIntervalS}
      />
      <TextField
        id="check-timeout"
        label="Timeout (seconds, optional)"
        type="number"
        min={1}
        max={60}
        value={timeoutS}
        onValue={setTimeoutS}
      />
      {kind === 'http' && (
        <TextField
          id="check-keyword"
          label="Keyword (optional)"
          hint="Text the answer must contain."
          value={keyword}
          onValue={setKeyword}
          maxLength={200}
        />
      )}
      <TextField
        id="check-latency"
        label="Slower than (ms, optional)"
        hint="A slower answer fails the run."
        type="number"
        min={1}
        max={60_000}
        value={latency}
        onValue={setLatency}
      />
      <TextField
        id="check-failures"
        label="Failures before down"
        type="number"
        min={1}
        max={20}
        value={failures}
        onValue={setFailures}
      />
      <TextField
        id="check-passes"
        label="Passes before up"
        type="number"
        min={1}
        max={20}
        value={passes}
        onValue={setPasses}
      />
      {components.length > 0 && (
        <Field id="check-component" label="Component (optional)">
          <select id="check-component" value={component} onChange={(e) => setComponent(e.target.value)}>
            <option value="">None</option>
            {components.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      )}
    </FormCard>
  );
}
