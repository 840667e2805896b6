import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryText } from './ansible.js';
import { terraformEnv } from './terraform-cli.js';

const LOCAL = 'ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"';

describe('inventoryText', () => {
  it("turns Ansible's host-list form into one host per line, localhost running locally", () => {
    assert.equal(inventoryText('localhost,'), `localhost ${LOCAL}\n`);
    assert.equal(inventoryText(' web1 , localhost ,db1,'), `web1\nlocalhost ${LOCAL}\ndb1\n`);
    assert.equal(inventoryText('127.0.0.1'), `127.0.0.1 ${LOCAL}\n`);
  });

  it('keeps an INI inventory as written, except bare localhost lines', () => {
    const ini = '[web]\nweb1 ansible_host=10.0.0.1\nlocalhost\n\n[db]\nlocalhost ansible_connection=ssh\n';
    assert.equal(inventoryText(ini), `[web]\nweb1 ansible_host=10.0.0.1\nlocalhost ${LOCAL}\n\n[db]\nlocalhost ansible_connection=ssh\n`);
  });

  it("puts localhost's module temp files in the given directory", () => {
    assert.equal(inventoryText('localhost,', '/w/job 1/.tmp'), `localhost ${LOCAL} ansible_remote_tmp="/w/job 1/.tmp"\n`);
  });
});

describe('terraformEnv', () => {
  it('keeps terraform off the network and away from the worker’s own Terraform settings', () => {
    const env = terraformEnv({
      PATH: '/usr/bin',
      TF_PLUGIN_CACHE_DIR: '/cache',
      TF_DATA_DIR: '/shared',
      TF_WORKSPACE: 'prod',
      TF_CLI_ARGS: '-lock=false',
      TF_CLI_ARGS_apply: '-parallelism=1',
      TF_VAR_region: 'eu',
      TF_CLI_CONFIG_FILE: '/no/such/terraformrc',
    });
    assert.deepEqual(env, {
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      TF_PLUGIN_CACHE_DIR: undefined,
      TF_DATA_DIR: undefined,
      TF_WORKSPACE: undefined,
      TF_CLI_ARGS: undefined,
      TF_CLI_ARGS_apply: undefined,
      TF_CLI_CONFIG_FILE: undefined,
    });
  });

  it('keeps a CLI configuration file that exists (provider mirrors, credentials)', () => {
    assert.equal('TF_CLI_CONFIG_FILE' in terraformEnv({ TF_CLI_CONFIG_FILE: '/etc/hostname' }), false);
  });
});
