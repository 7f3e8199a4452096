/** @module Wire constants the transport's modules share: JSON-RPC codes of transport refusals, stream ids. */

/** JSON-RPC code for transport refusals that have no standard code (session unknown, shutting down). */
export const TRANSPORT_ERROR = -32000;
export const SESSION_NOT_FOUND = -32001;

/** Stream id of a legacy session's standalone GET stream; POST streams count up from 1. */
export const STANDALONE_STREAM = "0";
