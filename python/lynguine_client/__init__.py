"""A client for the lynguine server (`lynguine serve`), standard library only.

    from lynguine_client import ServerClient

    client = ServerClient(auto_start=True)        # our own server, started if needed
    client.extract_talk_field("title", "talk.md", ["_lamd.yml"])
    client.get_interface_field("_lynguine.yml", "title")
    data = client.read_data(data_source={"type": "csv", "filename": "people.csv"})
    data["records"], data["columns"], data["dtypes"]
    df = client.read_data(interface_file="_lynguine.yml", as_dataframe=True)   # imports pandas
    with client.create_session("_lynguine.yml") as session:
        session.set_index(1)
        session.set_column("name")
        session.get_value()

The names and signatures are lynguine's own `lynguine.client.ServerClient`
and `Session` (client.py says where and why this one differs); pandas is
imported only when a DataFrame is asked for. Install with `pip install
./python` from a lynguine-cpp checkout.

`auto_start=True` asks the native binary (`lynguine serve --ensure`) for the
per-user server and speaks HTTP over its Unix socket. A server of ours on a
local TCP port requires a token unless started with `--auth none`; given no
api_key, the client reads it from that server's record in your private
state directory and sends it only after the server has proved, on the same
connection, that it wrote the record (docs/guide.md, "Finding the server").
"""
from .client import (ServerClient, ServerError, ServerInterface, Session, create_client,
                     find_binary)

__version__ = "0.2.0"
__all__ = ["ServerClient", "Session", "ServerInterface", "ServerError", "find_binary",
           "create_client"]
