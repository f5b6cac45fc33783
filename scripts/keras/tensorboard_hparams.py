"""Reads a log directory as TensorBoard's HParams tab does: its event multiplexer (an
EventAccumulator per run) and the hparams plugin's own ListSessionGroups handler, which finds the
sessions, infers the experiment (no `_hparams_/experiment` summary needed) and gathers each
session's final metrics. Prints {"sessions": {run: {hparams, status, metrics: {"group/tag": value}}}}
as JSON. Input (stdin): {"logdir": path}. Written against TensorBoard 2.21."""
import json
import sys

from tensorboard import context
from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups

logdir = json.load(sys.stdin)["logdir"]
multiplexer = plugin_event_multiplexer.EventMultiplexer()
multiplexer.AddRunsFromDirectory(logdir)
multiplexer.Reload()
provider = data_provider.MultiplexerDataProvider(multiplexer, logdir)
hparams = backend_context.Context(base_plugin.TBContext(logdir=logdir, multiplexer=multiplexer, data_provider=provider))
request = api_pb2.ListSessionGroupsRequest(
    experiment_name="",
    allowed_statuses=[api_pb2.STATUS_UNKNOWN, api_pb2.STATUS_SUCCESS, api_pb2.STATUS_FAILURE, api_pb2.STATUS_RUNNING],
    start_index=0,
    slice_size=1000,
)
response = list_session_groups.Handler(context.RequestContext(), hparams, "", request).run()


def value(v):
    """A google.protobuf.Value as JSON."""
    return getattr(v, v.WhichOneof("kind"))


sessions = {}
for group in response.session_groups:
    for session in group.sessions:
        sessions[session.name] = {
            "hparams": {name: value(v) for name, v in group.hparams.items()},
            "status": api_pb2.Status.Name(session.status),
            "metrics": {"/".join(p for p in (m.name.group, m.name.tag) if p): m.value for m in session.metric_values},
        }
json.dump({"sessions": sessions}, sys.stdout)
