"""Reads a log directory with TensorBoard's own reader (the EventAccumulator its server uses) and the hparams plugin's
parsers, and prints, per run holding hparams summaries, the session's hyperparameters and status,
and every run's last scalar values, as JSON. Input (stdin): {"logdir": path}."""
import json
import os
import sys

from tensorboard.backend.event_processing import plugin_event_accumulator as event_accumulator
from tensorboard.plugins.hparams import api_pb2, metadata
from tensorboard.util import tensor_util



def plugin_tags(acc, plugin):
    """The tags of `plugin` in the run, with their plugin data ({} when the run has none)."""
    try:
        return acc.PluginTagToContent(plugin)
    except KeyError:
        return {}


logdir = json.load(sys.stdin)["logdir"]
sessions = {}
scalars = {}
for dirpath, _, files in sorted(os.walk(logdir)):
    if not any("tfevents" in f for f in files):
        continue
    run = os.path.relpath(dirpath, logdir).replace(os.sep, "/")
    acc = event_accumulator.EventAccumulator(dirpath, size_guidance={event_accumulator.TENSORS: 0})
    acc.Reload()
    contents = plugin_tags(acc, metadata.PLUGIN_NAME)
    if metadata.SESSION_START_INFO_TAG in contents:
        start = metadata.parse_session_start_info_plugin_data(contents[metadata.SESSION_START_INFO_TAG])
        session = {"hparams": {k: json.loads(json.dumps(getattr(v, v.WhichOneof("kind")))) for k, v in start.hparams.items()}}
        if metadata.SESSION_END_INFO_TAG in contents:
            end = metadata.parse_session_end_info_plugin_data(contents[metadata.SESSION_END_INFO_TAG])
            session["status"] = api_pb2.Status.Name(end.status)
        sessions[run] = session
    # Strata writes scalars as simple_value: the accumulator keeps them under tensors, as the scalars plugin reads them.
    scalars[run] = {tag: float(tensor_util.make_ndarray(acc.Tensors(tag)[-1].tensor_proto)) for tag in plugin_tags(acc, "scalars")}
json.dump({"sessions": sessions, "scalars": scalars}, sys.stdout)
