"""pytest plugin: runs the Docker SDK for Python's network tests against cnmd.

cnmd serves Docker's network API, not its containers or images API. Here a cnm sandbox plays
each container, so that every network call (create, connect with aliases, links, static and
link-local IPs, disconnect, inspect, prune) still goes over Docker's API to cnmd unchanged:

- create_container: a sandbox (POST /cnm/sandboxes/create) with loopback only; the container's
  network mode and NetworkingConfig are kept for start().
- start: POST /networks/{mode}/connect with that EndpointConfig, as dockerd does at start.
- inspect_container: the sandbox's endpoints as NetworkSettings.Networks, every field read from
  what cnmd reports (addresses, aliases, links, link-local IPs, MAC, driver options).
- exec_create/exec_start/exec_inspect: the command inside the sandbox's netns (ip netns exec).
- remove_container: DELETE /cnm/sandboxes/{id}?force=1.
- inspect_image: the test image is "present", so the session fixture pulls nothing.

Tests that need what a sandbox cannot play (a swarm) are skipped with the API they need
(SKIPPED below); every other test must pass.
"""
import json
import subprocess
import uuid
import warnings

import docker.utils.utils as docker_utils
import pytest
from docker.api.client import APIClient

# test id -> the Docker API it needs that cnmd does not serve
SKIPPED = {
    'api_network_test.py::TestNetworks::test_create_network_attachable':
        'swarm API: POST /swarm/init (attachable overlay networks are swarm-scoped)',
    'api_network_test.py::TestNetworks::test_create_network_ingress':
        'swarm API: POST /swarm/init (the ingress network belongs to a swarm)',
    'api_network_test.py::TestNetworks::test_create_inspect_network_with_scope':
        'swarm API: POST /swarm/init (it creates a swarm-scoped overlay network)',
}

class _QuietStrictVersion(docker_utils.StrictVersion):
    """docker-py 5.0.3 compares API versions with distutils' StrictVersion, which warns on Debian
    12's Python 3.11; the tests' session fixture turns every warning into an error. Not cnmd's."""

    def __init__(self, vstring=None):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            super().__init__(vstring)


docker_utils.StrictVersion = _QuietStrictVersion

_pending = {}  # sandbox id -> (network mode, EndpointConfig) for start()


def _id(container):
    return container['Id'] if isinstance(container, dict) else container


def _check(client, res):
    client._raise_for_status(res)
    return res


def create_container(self, image, command=None, *args, name=None, host_config=None,
                     networking_config=None, **kwargs):
    body = {'Name': name or f'cnmpy-{uuid.uuid4().hex[:12]}', 'Network': 'none'}
    res = _check(self, self._post_json(self._url('/cnm/sandboxes/create'), data=body))
    sid = res.json()['id']
    # Loopback only, like a created container: `none` is left at once (over Docker's API).
    _check(self, self._post_json(self._url('/networks/none/disconnect'), data={'Container': sid}))
    mode = (host_config or {}).get('NetworkMode') or 'default'
    if mode == 'default':
        mode = 'bridge'
    endpoints = (networking_config or {}).get('EndpointsConfig') or {}
    _pending[sid] = (mode, endpoints.get(mode))
    return {'Id': sid, 'Warnings': []}


def start(self, container, *args, **kwargs):
    sid = _id(container)
    if sid not in _pending:
        return
    mode, endpoint = _pending.pop(sid)
    body = {'Container': sid}
    if endpoint:
        body['EndpointConfig'] = endpoint
    _check(self, self._post_json(self._url('/networks/{0}/connect', mode), data=body))


def _plain(cidr):
    return cidr.split('/')[0] if cidr else ''


def _settings(ep):
    # Docker's IPAMConfig is the request, which cnmd keeps on the endpoint.
    ipam = {}
    requested = ep.get('requested') or {}
    if requested.get('ipv4'):
        ipam['IPv4Address'] = requested['ipv4']
    if requested.get('ipv6'):
        ipam['IPv6Address'] = requested['ipv6']
    if ep.get('linkLocal'):
        ipam['LinkLocalIPs'] = [_plain(a) for a in ep['linkLocal']]
    return {
        'IPAMConfig': ipam,
        'Links': ep.get('links'),
        'Aliases': ep.get('aliases') or None,
        'NetworkID': ep['networkId'],
        'EndpointID': ep['id'],
        'IPAddress': _plain(ep.get('ipv4')),
        'GlobalIPv6Address': _plain(ep.get('ipv6')),
        'MacAddress': ep.get('mac', ''),
        'DriverOpts': ep.get('driverOpts'),
    }


def inspect_container(self, container):
    res = _check(self, self._get(self._url('/cnm/sandboxes/{0}', _id(container))))
    sb = res.json()
    networks = {ep['networkName']: _settings(ep) for ep in sb['endpoints']}
    return {
        'Id': sb['id'],
        'Name': '/' + sb['name'],
        'Config': {'Hostname': sb['hostname'], 'Labels': sb.get('labels') or {}},
        'State': {'Running': True, 'Status': 'running'},
        'NetworkSettings': {'Networks': networks},
    }


def remove_container(self, container, *args, **kwargs):
    sid = _id(container)
    _pending.pop(sid, None)
    _check(self, self._delete(self._url('/cnm/sandboxes/{0}', sid), params={'force': '1'}))


_execs = {}


def exec_create(self, container, cmd, *args, **kwargs):
    sb = inspect_container(self, container)
    eid = uuid.uuid4().hex
    _execs[eid] = {'sandbox': sb['Id'], 'cmd': cmd if isinstance(cmd, list) else ['sh', '-c', cmd]}
    return {'Id': eid}


def exec_start(self, exec_id, *args, **kwargs):
    ex = _execs[_id(exec_id)]
    res = _check(self, self._get(self._url('/cnm/sandboxes/{0}', ex['sandbox'])))
    ns = res.json()['netnsPath'].rsplit('/', 1)[-1]
    # `ip netns exec` also binds the sandbox's /etc/netns files (resolv.conf → 127.0.0.11).
    run = subprocess.run(['ip', 'netns', 'exec', ns, *ex['cmd']], capture_output=True, timeout=30)
    ex['code'] = run.returncode
    return run.stdout + run.stderr


def exec_inspect(self, exec_id):
    return {'ExitCode': _execs[_id(exec_id)].get('code'), 'Running': False}


def inspect_image(self, image):
    return {'Id': image, 'RepoTags': [image]}


def wait(self, container, *args, **kwargs):
    return {'StatusCode': 0}


for _name, _fn in [('create_container', create_container), ('start', start),
                   ('inspect_container', inspect_container), ('remove_container', remove_container),
                   ('exec_create', exec_create), ('exec_start', exec_start),
                   ('exec_inspect', exec_inspect), ('inspect_image', inspect_image), ('wait', wait)]:
    setattr(APIClient, _name, _fn)


def pytest_collection_modifyitems(config, items):
    for item in items:
        key = item.nodeid.split('/')[-1]
        if key in SKIPPED:
            item.add_marker(pytest.mark.skip(reason=f'needs {SKIPPED[key]}'))


def pytest_sessionfinish(session, exitstatus):
    # The skip list must not outlive the tests it names.
    names = {item.nodeid.split('/')[-1] for item in session.items}
    stale = sorted(set(SKIPPED) - names)
    if stale:
        print('\ncnm_shim: skip-list entries that name no collected test: ' + json.dumps(stale))
        session.exitstatus = 1
