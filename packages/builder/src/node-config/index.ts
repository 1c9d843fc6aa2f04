export { CRIS, formatNodeConfig, nodeConfig, type Cri, type NodeConfig, type NodeConfigOptions, type NodeConfigSection } from "./node-config.js";
