"""Executes one notebook in place with nbclient (the engine of `jupyter nbconvert --execute`), waiting a moment
after each cell's idle status for outputs the kernel publishes late. Deno's kernel can send a cell's
execute_result, display_data or stream after its idle status; nbclient stops listening at idle and those outputs
would be lost (observed: a few cells in a hundred). Usage: python3 execute.py NOTEBOOK.ipynb [KERNEL]."""
import sys
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

GRACE_SECONDS = 0.25


class DrainingClient(NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE_SECONDS))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def main() -> None:
    path = sys.argv[1]
    kernel = sys.argv[2] if len(sys.argv) > 2 else "deno"
    nb = nbformat.read(path, as_version=4)
    DrainingClient(nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": "."}}).execute()
    nbformat.write(nb, path)


if __name__ == "__main__":
    main()
